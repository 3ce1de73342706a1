package dev.enrich.pool;

import dev.enrich.backend.memory.InMemoryJobQueue;
import dev.enrich.queue.JobQueue;
import dev.enrich.queue.QueuedJob;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;

/** Forward every call to an in-memory queue; tests override the one call they want to shape. */
class ForwardingJobQueue implements JobQueue {

    private final InMemoryJobQueue delegate;

    ForwardingJobQueue(InMemoryJobQueue delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean offerAll(List<QueuedJob> jobs) {
        return delegate.offerAll(jobs);
    }

    @Override
    public Flux<QueuedJob> take(Predicate<String> mayStart) {
        return delegate.take(mayStart);
    }

    @Override
    public Optional<QueuedJob> poll(Predicate<String> mayStart) {
        return delegate.poll(mayStart);
    }

    @Override
    public int size(String tenant) {
        return delegate.size(tenant);
    }

    @Override
    public boolean remove(String jobId) {
        return delegate.remove(jobId);
    }

    @Override
    public int size() {
        return delegate.size();
    }

    @Override
    public int capacity() {
        return delegate.capacity();
    }

    @Override
    public OptionalInt position(String jobId) {
        return delegate.position(jobId);
    }
}
