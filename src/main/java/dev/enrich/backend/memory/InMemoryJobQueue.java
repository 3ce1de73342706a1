package dev.enrich.backend.memory;

import dev.enrich.job.Priority;
import dev.enrich.queue.JobQueue;
import dev.enrich.queue.QueuedJob;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;

/**
 * Hold queued jobs in memory and hand them out in the fair order of {@link JobQueue}.
 *
 * <p>Each priority has one FIFO deque per tenant, and tenants are served round robin: a tenant that gets a job
 * taken goes to the back of the rotation, a tenant whose deque empties leaves it, and a tenant that gets a new job
 * joins at the back. Interactive jobs go first, except that after {@code interactiveBurst} consecutive interactive
 * polls while batch jobs were waiting, the next poll takes a batch job. All methods are synchronized and short.
 *
 * <p>{@link #take} sources poll on demand: when they are requested more and when a job is offered, on that thread,
 * outside the queue's lock.
 */
public final class InMemoryJobQueue implements JobQueue {

    private final int capacity;
    private final int interactiveBurst;
    private final Lane interactive = new Lane();
    private final Lane batch = new Lane();
    private final Map<String, QueuedJob> byId = new HashMap<>();
    /** Open {@link #take} sources, woken when jobs are offered. */
    private final List<Taker> takers = new CopyOnWriteArrayList<>();
    /** Consecutive interactive polls taken while batch jobs were waiting. */
    private int interactiveStreak;

    /**
     * Create an empty queue.
     *
     * @param capacity the most jobs the queue holds; must be > 0
     * @param interactiveBurst how many interactive jobs in a row may pass waiting batch jobs; must be > 0
     * @throws IllegalArgumentException when a value is out of range
     */
    public InMemoryJobQueue(int capacity, int interactiveBurst) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0, but was " + capacity);
        }
        if (interactiveBurst <= 0) {
            throw new IllegalArgumentException("interactiveBurst must be > 0, but was " + interactiveBurst);
        }
        this.capacity = capacity;
        this.interactiveBurst = interactiveBurst;
    }

    @Override
    public boolean offerAll(List<QueuedJob> jobs) {
        synchronized (this) {
            if (byId.size() + jobs.size() > capacity
                    || jobs.stream().map(QueuedJob::jobId).distinct().count() != jobs.size()
                    || jobs.stream().anyMatch(job -> byId.containsKey(job.jobId()))) {
                return false;
            }
            for (QueuedJob job : jobs) {
                byId.put(job.jobId(), job);
                lane(job.priority()).add(job);
            }
        }
        takers.forEach(Taker::drain);
        return true;
    }

    @Override
    public Flux<QueuedJob> take(Predicate<String> mayStart) {
        Objects.requireNonNull(mayStart, "mayStart");
        return Flux.from(subscriber -> {
            Taker taker = new Taker(subscriber, mayStart);
            takers.add(taker);
            subscriber.onSubscribe(taker);
        });
    }

    @Override
    public synchronized Optional<QueuedJob> poll(Predicate<String> mayStart) {
        if (byId.isEmpty()) {
            return Optional.empty();
        }
        boolean takeBatch = takesBatch(interactive.size, batch.size, interactiveStreak, interactiveBurst);
        int batchSizeBefore = batch.size;
        QueuedJob job = (takeBatch ? batch : interactive).take(mayStart);
        if (job == null) {
            takeBatch = !takeBatch; // every tenant of the preferred lane is at its cap: try the other lane
            job = (takeBatch ? batch : interactive).take(mayStart);
        }
        if (job == null) {
            return Optional.empty();
        }
        interactiveStreak = nextStreak(takeBatch, batchSizeBefore, interactiveStreak);
        byId.remove(job.jobId());
        return Optional.of(job);
    }

    @Override
    public synchronized int size(String tenant) {
        return interactive.size(tenant) + batch.size(tenant);
    }

    @Override
    public synchronized boolean remove(String jobId) {
        QueuedJob job = byId.remove(jobId);
        if (job == null) {
            return false;
        }
        lane(job.priority()).remove(job);
        return true;
    }

    @Override
    public synchronized int size() {
        return byId.size();
    }

    @Override
    public int capacity() {
        return capacity;
    }

    /** Simulate the poll order on counts only; the other lane's tenants never affect which lane is chosen. */
    @Override
    public synchronized OptionalInt position(String jobId) {
        QueuedJob job = byId.get(jobId);
        if (job == null) {
            return OptionalInt.empty();
        }
        Lane own = lane(job.priority());
        boolean ownIsBatch = job.priority() == Priority.BATCH;
        int turnsNeeded = own.indexInTenant(job) + 1;

        ArrayDeque<String> rotation = new ArrayDeque<>(own.rotation);
        Map<String, Integer> remaining = new HashMap<>();
        own.byTenant.forEach((tenant, jobs) -> remaining.put(tenant, jobs.size()));
        int interactiveLeft = interactive.size;
        int batchLeft = batch.size;
        int streak = interactiveStreak;

        for (int polls = 1; ; polls++) {
            boolean takeBatch = takesBatch(interactiveLeft, batchLeft, streak, interactiveBurst);
            streak = nextStreak(takeBatch, batchLeft, streak);
            if (takeBatch) {
                batchLeft--;
            } else {
                interactiveLeft--;
            }
            if (takeBatch != ownIsBatch) {
                continue;
            }
            String tenant = rotation.pollFirst();
            int left = remaining.merge(tenant, -1, Integer::sum);
            if (left > 0) {
                rotation.addLast(tenant);
            }
            if (tenant.equals(job.tenant()) && --turnsNeeded == 0) {
                return OptionalInt.of(polls);
            }
        }
    }

    /**
     * Emit jobs to one subscriber as it requests them: a serialized drain loop (re-entrant requests from within
     * {@code onNext}, e.g. a job that ends at once, are handled by the running loop, so the stack does not grow).
     */
    private final class Taker implements Subscription {

        private final Subscriber<? super QueuedJob> actual;
        private final Predicate<String> mayStart;
        private final AtomicLong requested = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean cancelled;

        Taker(Subscriber<? super QueuedJob> actual, Predicate<String> mayStart) {
            this.actual = actual;
            this.mayStart = mayStart;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                actual.onError(new IllegalArgumentException("request must be > 0, but was " + n));
                return;
            }
            requested.accumulateAndGet(n, (r, add) -> r + add < 0 ? Long.MAX_VALUE : r + add);
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            takers.remove(this);
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                long wanted = requested.get();
                long emitted = 0;
                while (emitted != wanted && !cancelled) {
                    Optional<QueuedJob> job = poll(mayStart);
                    if (job.isEmpty()) {
                        break;
                    }
                    actual.onNext(job.get());
                    emitted++;
                }
                if (emitted != 0 && wanted != Long.MAX_VALUE) {
                    requested.addAndGet(-emitted);
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }

    private Lane lane(Priority priority) {
        return priority == Priority.BATCH ? batch : interactive;
    }

    private static boolean takesBatch(int interactiveSize, int batchSize, int streak, int burst) {
        return batchSize > 0 && (interactiveSize == 0 || streak >= burst);
    }

    private static int nextStreak(boolean tookBatch, int batchSizeBefore, int streak) {
        return tookBatch || batchSizeBefore == 0 ? 0 : streak + 1;
    }

    /** Hold one priority's jobs: a FIFO deque per tenant and the round-robin rotation of non-empty tenants. */
    private static final class Lane {

        private final Map<String, ArrayDeque<QueuedJob>> byTenant = new HashMap<>();
        /** Tenants with at least one job, in the order they are served next. */
        private final ArrayDeque<String> rotation = new ArrayDeque<>();
        private int size;

        void add(QueuedJob job) {
            ArrayDeque<QueuedJob> jobs = byTenant.computeIfAbsent(job.tenant(), tenant -> new ArrayDeque<>());
            if (jobs.isEmpty()) {
                rotation.addLast(job.tenant());
            }
            jobs.addLast(job);
            size++;
        }

        /** Take the head job of the first tenant in turn that may start one; null when there is none. */
        @Nullable QueuedJob take(Predicate<String> mayStart) {
            String tenant = null;
            for (Iterator<String> it = rotation.iterator(); it.hasNext(); ) {
                String candidate = it.next();
                if (mayStart.test(candidate)) {
                    it.remove(); // tenants passed over keep their place at the front
                    tenant = candidate;
                    break;
                }
            }
            if (tenant == null) {
                return null;
            }
            ArrayDeque<QueuedJob> jobs = byTenant.get(tenant);
            QueuedJob job = jobs.pollFirst();
            if (jobs.isEmpty()) {
                byTenant.remove(tenant);
            } else {
                rotation.addLast(tenant);
            }
            size--;
            return job;
        }

        int size(String tenant) {
            ArrayDeque<QueuedJob> jobs = byTenant.get(tenant);
            return jobs == null ? 0 : jobs.size();
        }

        void remove(QueuedJob job) {
            ArrayDeque<QueuedJob> jobs = byTenant.get(job.tenant());
            // Identity is enough: the lane holds the very instance stored in the id map.
            for (Iterator<QueuedJob> it = jobs.iterator(); it.hasNext(); ) {
                if (it.next() == job) {
                    it.remove();
                    break;
                }
            }
            if (jobs.isEmpty()) {
                byTenant.remove(job.tenant());
                rotation.remove(job.tenant());
            }
            size--;
        }

        int indexInTenant(QueuedJob job) {
            int index = 0;
            for (QueuedJob queued : byTenant.get(job.tenant())) {
                if (queued == job) {
                    return index;
                }
                index++;
            }
            throw new IllegalStateException("job " + job.jobId() + " is not in its tenant's deque");
        }
    }
}
