package dev.enrich.pool;

import dev.enrich.job.JobState;
import dev.enrich.model.PoolStatus;
import dev.enrich.queue.JobQueue;
import dev.enrich.queue.QueuedJob;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Run queued jobs with bounded concurrency, fed from a fair {@link JobQueue}: intake, dispatch, slot health and
 * metrics behind one entry.
 *
 * <p>The dispatch ({@link Dispatcher}) is a Flux of the queue's jobs consumed with bounded parallelism: a free slot is
 * a request to the queue. Slot health ({@link SlotTracker}: jobs run, error rate, mean duration, uptime; a slot whose
 * jobs keep failing is replaced, with a fresh worker thread when slots have their own), Micrometer meters
 * ({@link PoolMetrics}: acquisition latency, busy, queued) and the
 * mean job duration for ETAs observe it. Dispatching starts at construction; {@link #close} ends it.
 */
public final class WorkerPool implements AutoCloseable {

    private final JobQueue queue;
    private final Clock clock;
    private final int size;
    private final Dispatcher dispatcher;
    private final SlotTracker slots;
    private final PoolMetrics metrics;
    private final MeanJobDuration meanJob = new MeanJobDuration();
    /**
     * Guards intake: a job is either refused, or queued before a drain sweeps the queue. Submissions share it (the
     * queue takes concurrent offers; a durable one waits for Redis inside), a drain or resume holds it alone.
     */
    private final ReadWriteLock intake = new ReentrantReadWriteLock();
    private volatile boolean accepting = true;

    /**
     * Create a pool.
     *
     * @param size number of slots, > 0
     * @param recycleAfterFailures consecutive failures that recycle a slot, > 0
     */
    public WorkerPool(int size, int recycleAfterFailures, JobQueue queue, JobTask task, Clock clock,
            MeterRegistry meters) {
        this(size, recycleAfterFailures, 0, queue, task, clock, meters);
    }

    /**
     * Create a pool that runs at most {@code maxRunningPerTenant} jobs of one tenant at once (0 = no cap: an idle
     * pool gives all its slots to whoever has work). A tenant at its cap keeps its queued jobs and its turn.
     *
     * @throws IllegalArgumentException when a value is out of range
     */
    public WorkerPool(int size, int recycleAfterFailures, int maxRunningPerTenant, JobQueue queue, JobTask task,
            Clock clock, MeterRegistry meters) {
        this(size, recycleAfterFailures, maxRunningPerTenant, queue, task, clock, meters, false);
    }

    /**
     * Create a pool, like the one above, whose slots each start their jobs on a worker thread of their own when
     * {@code ownWorkers} is true: a slot whose jobs keep failing is then replaced with a fresh thread. Otherwise jobs
     * start on the dispatching thread.
     *
     * @throws IllegalArgumentException when a value is out of range
     */
    public WorkerPool(int size, int recycleAfterFailures, int maxRunningPerTenant, JobQueue queue, JobTask task,
            Clock clock, MeterRegistry meters, boolean ownWorkers) {
        if (maxRunningPerTenant < 0) {
            throw new IllegalArgumentException("maxRunningPerTenant must be >= 0, but was " + maxRunningPerTenant);
        }
        if (size <= 0) {
            throw new IllegalArgumentException("size must be > 0, but was " + size);
        }
        if (recycleAfterFailures <= 0) {
            throw new IllegalArgumentException("recycleAfterFailures must be > 0, but was " + recycleAfterFailures);
        }
        this.queue = queue;
        this.clock = clock;
        this.size = size;
        this.slots = new SlotTracker(size, recycleAfterFailures, clock.millis(), ownWorkers);
        this.metrics = new PoolMetrics(meters, queue);
        this.dispatcher = new Dispatcher(queue, task, clock, size, maxRunningPerTenant,
                List.of(slots, metrics, meanJob), run -> {
                    SlotWorker worker = slots.workerOf(run);
                    return worker == null ? null : worker.scheduler();
                });
        dispatcher.start();
    }

    /** Queue a job; return false when the queue is full or the pool no longer accepts work. */
    public boolean submit(QueuedJob job) {
        return submitAll(List.of(job));
    }

    /**
     * Queue jobs all or nothing: return false (and queue none) when the pool no longer accepts work or the queue
     * lacks room for every one of them. A free slot may start one of them on this thread before this returns.
     */
    public boolean submitAll(List<QueuedJob> jobs) {
        intake.readLock().lock();
        try {
            return accepting && queue.offerAll(jobs);
        } finally {
            intake.readLock().unlock();
        }
    }

    /**
     * Queue jobs again even while draining, when the queue is {@linkplain JobQueue#durable() durable}: a job the drain
     * interrupted goes back to the shared queue for another replica (or the next start). Return false when the
     * queue is not durable or refused them. Waits for the queue's I/O: never call it on an event loop.
     */
    public boolean handBack(List<QueuedJob> jobs) {
        return queue.durable() && queue.offerAll(jobs);
    }

    /** Return true when queued jobs outlive this process and are shared with other replicas. */
    public boolean durable() {
        return queue.durable();
    }

    /** Return the jobs the queue gave up on (see {@link JobQueue#deadLetters()}); hot, never completes. */
    public Flux<QueuedJob> deadLetters() {
        return queue.deadLetters();
    }

    /** Accept and dispatch work again after a {@link #drain}. */
    public void resume() {
        intake.writeLock().lock();
        try {
            accepting = true;
        } finally {
            intake.writeLock().unlock();
        }
        dispatcher.start();
    }

    /** Return true while the pool accepts new work. */
    public boolean accepting() {
        return accepting;
    }

    /** Remove a queued job; return false when it was not queued. */
    public boolean removeQueued(String jobId) {
        return queue.remove(jobId);
    }

    /**
     * Ask a running job to stop with {@code reason}; return false when no run of it here stops with that reason: it
     * is not running, or its run was told another reason first (a drain's, or that the job runs elsewhere now).
     */
    public boolean stopRunning(String jobId, JobState reason) {
        return dispatcher.stop(jobId, reason);
    }

    /**
     * Return a Mono that completes once the job's run in this pool has ended, its slot freed and its end told to the
     * queue; it completes at once when the job does not run here. A job running on another replica is not seen.
     */
    public Mono<Void> whenStopped(String jobId) {
        return dispatcher.whenEnded(jobId);
    }

    /** Return true when the job runs in a slot now. */
    public boolean isRunning(String jobId) {
        return dispatcher.isRunning(jobId);
    }

    /** Return a queued job's 1-based position. */
    public OptionalInt position(String jobId) {
        return queue.position(jobId);
    }

    /** Return the mean duration of recent jobs (EWMA), if any finished. */
    public Optional<Duration> meanJobDuration() {
        return meanJob.get();
    }

    /** Return the number of slots. */
    public int size() {
        return size;
    }

    /** Return how many of {@code tenant}'s jobs wait in the queue. */
    public int queued(String tenant) {
        return queue.size(tenant);
    }

    /**
     * Return true when the queue has room for {@code jobs} more now (a check, not a reservation). Cheap, unlike
     * {@link #status}: every submission asks it.
     */
    public boolean hasRoomFor(int jobs) {
        return queue.size() + jobs <= queue.capacity();
    }

    /** Report size, load, queue, acquisition latency and per-slot health. */
    public PoolStatus status() {
        SlotTracker.Report report = slots.report(clock.millis());
        return new PoolStatus(size, report.busy(), size - report.busy(), queue.size(), queue.capacity(), accepting,
                report.recycled(), metrics.acquisition(), report.health());
    }

    /**
     * Stop intake and drain: let running jobs finish for up to {@code timeout}, then stop the rest as INTERRUPTED.
     * Completes when no job runs any more. Queued jobs are removed and returned so the caller can mark them; a
     * {@linkplain JobQueue#durable() durable} queue keeps them (none are returned).
     */
    public Mono<List<QueuedJob>> drain(Duration timeout) {
        List<QueuedJob> dropped = new ArrayList<>();
        Mono<Void> idle;
        intake.writeLock().lock();
        try {
            accepting = false;
            idle = dispatcher.drain(timeout); // closes dispatch before the sweep: no queued job starts after it
            // A durable queue keeps its jobs for the other replicas and the next start: nothing to sweep.
            for (Optional<QueuedJob> j = queue.durable() ? Optional.empty() : queue.poll(); j.isPresent();
                    j = queue.poll()) {
                dropped.add(j.get());
            }
        } finally {
            intake.writeLock().unlock();
        }
        return idle.thenReturn(dropped);
    }

    /** End dispatching at once: running jobs are cancelled. {@link #drain} first for a graceful end. */
    @Override
    public void close() {
        dispatcher.stopListening();
        dispatcher.close();
        slots.close();
    }

    /** Return the slot a running job occupies, for tests. */
    @Nullable Integer slotOf(String jobId) {
        return slots.slotOf(jobId);
    }
}
