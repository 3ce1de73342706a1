package dev.enrich.queue;

import dev.enrich.job.JobState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Hold jobs waiting for a worker slot, bounded, and hand them out in a fair order (port).
 *
 * <p>Order: {@link dev.enrich.job.Priority#INTERACTIVE} before {@link dev.enrich.job.Priority#BATCH}, with an
 * anti-starvation rule so batch work still moves under steady interactive load; within a priority, tenants take
 * turns (round robin), and each tenant's jobs are FIFO. So one tenant's 500-job batch never starves another tenant's
 * single job. Thread-safe.
 *
 * <p>The worker pool consumes the queue through {@link #take}: a demand-driven source where each request is a free
 * worker slot. Another backend (a Redis stream read with a consumer group) plugs in as another such source.
 */
public interface JobQueue {

    /** Add a job; return false (and change nothing) when the queue is full or the job is already queued. */
    default boolean offer(QueuedJob job) {
        return offerAll(List.of(job));
    }

    /**
     * Add jobs all or nothing: return false (and change nothing) when the queue lacks room for every one of them or
     * one of them is already queued.
     */
    boolean offerAll(List<QueuedJob> jobs);

    /**
     * Return a source of queued jobs that emits, in the fair order, at most as many jobs as were requested: each
     * request is a free worker slot, so a job never leaves the queue before a slot is free for it. With no job to
     * give, the source waits for one (it never completes by itself); cancelling the subscription stops it.
     *
     * <p>{@code mayStart} is asked about tenants in the fair order, on the emitting thread; the first tenant it
     * allows has its next job taken and emitted, so a {@code mayStart} that answers true may count that start as
     * made. A tenant it refuses keeps its jobs and its turn. Emission happens on the thread that requested or that
     * offered the job; a subscriber that needs another thread moves the work itself.
     */
    Flux<QueuedJob> take(Predicate<String> mayStart);

    /**
     * Tell the queue that the run of a job it handed out ended with {@code state}. A terminal state (INTERRUPTED
     * included: the engine resumes an interrupted job as a new queue entry) acknowledges the job: it is never handed
     * out again. A non-terminal state releases it: a durable queue hands it out again later, to this or another
     * replica. A job whose run never reports an end (its process died) is handed out again by a durable queue too.
     * Default: nothing to do (a memory queue forgets a job once it is handed out). Never fails for an unknown job.
     */
    default Mono<Void> done(QueuedJob job, JobState state) {
        return Mono.empty();
    }

    /**
     * Hold a job that runs again by itself after {@code delay} (an automatic retry) where a crash does not lose it:
     * when the wait is over the queue queues it, on whichever replica runs then; {@link #remove} drops it meanwhile.
     * Emits true once held; false when this queue cannot hold waits (the caller holds the job itself: a queue that
     * lives in one process loses its waits with it anyway).
     */
    default Mono<Boolean> offerLater(QueuedJob job, Duration delay) {
        return Mono.just(false);
    }

    /**
     * Return true when queued jobs outlive this process and are shared with other replicas (Redis): a drain then
     * leaves them queued for others instead of sweeping them, and jobs it interrupts are handed back at once.
     * Default: false (a memory queue ends with its process).
     */
    default boolean durable() {
        return false;
    }

    /**
     * Return the jobs this queue gave up on: handed out so many times that each run must have killed its worker
     * (a durable queue's delivery cap). Each is never handed out again; the engine marks it failed. Hot, never
     * completes; default: none.
     */
    default Flux<QueuedJob> deadLetters() {
        return Flux.never();
    }

    /**
     * Return the jobs handed out here whose entries another consumer took over (this replica stopped refreshing its
     * claim in time: a long pause): each such job's run here should end at once without storing anything, since the
     * job runs elsewhere now. Hot, never completes; what is emitted with no subscriber is dropped; default: none.
     */
    default Flux<QueuedJob> lost() {
        return Flux.never();
    }

    /** Remove and return the next job by the fair order; empty when the queue is empty. */
    default Optional<QueuedJob> poll() {
        return poll(tenant -> true);
    }

    /**
     * Remove and return the next job by the fair order among tenants that {@code mayStart} allows (tenants at their
     * running cap keep their jobs and their turn); empty when no allowed tenant has a job.
     */
    Optional<QueuedJob> poll(Predicate<String> mayStart);

    /**
     * Return the number of {@code tenant}'s queued jobs. Like {@link #size()} and {@link #position}, it never waits
     * for I/O: a durable queue answers from a recent view, at most a refresh interval old.
     */
    int size(String tenant);

    /** Remove a queued job (it was cancelled); return false when it was not queued. */
    boolean remove(String jobId);

    /** Return the number of queued jobs. */
    int size();

    /** Return the most jobs the queue holds. */
    int capacity();

    /** Return the 1-based position a job would be taken at if nothing else arrived; empty when not queued. */
    OptionalInt position(String jobId);
}
