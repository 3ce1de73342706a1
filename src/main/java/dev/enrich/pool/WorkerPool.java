package dev.enrich.pool;

import dev.enrich.job.JobState;
import dev.enrich.queue.JobQueue;
import dev.enrich.queue.QueuedJob;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Run queued jobs with bounded concurrency: a fixed number of slots, fed from a fair {@link JobQueue}.
 *
 * <p>Tracks per-slot health (jobs run, error rate, mean duration, uptime) and recycles a slot after
 * {@code recycleAfterFailures} consecutive FAILED jobs: its health and generation start over. Records acquisition
 * latency (queue wait) per job. Dispatch is non-blocking; all bookkeeping is under one short lock.
 */
public final class WorkerPool {

    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final JobQueue queue;
    private final JobTask task;
    private final Clock clock;
    private final int recycleAfterFailures;
    private final Slot[] slots;
    private final Deque<Slot> free = new ArrayDeque<>();
    private final Map<String, Running> running = new HashMap<>();
    private final LatencyWindow latency = new LatencyWindow(1024);
    private final Timer acquisitionTimer;
    private final Sinks.Many<Integer> idle = Sinks.many().replay().latest();
    private final AtomicInteger dispatching = new AtomicInteger();
    private final int maxRunningPerTenant;
    private boolean accepting = true;
    private long recycled;
    private double meanJobMillis = Double.NaN;

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
     */
    public WorkerPool(int size, int recycleAfterFailures, int maxRunningPerTenant, JobQueue queue, JobTask task,
            Clock clock, MeterRegistry meters) {
        if (maxRunningPerTenant < 0) {
            throw new IllegalArgumentException("maxRunningPerTenant must be >= 0, but was " + maxRunningPerTenant);
        }
        this.maxRunningPerTenant = maxRunningPerTenant;
        if (size <= 0) {
            throw new IllegalArgumentException("size must be > 0, but was " + size);
        }
        if (recycleAfterFailures <= 0) {
            throw new IllegalArgumentException("recycleAfterFailures must be > 0, but was " + recycleAfterFailures);
        }
        this.queue = queue;
        this.task = task;
        this.clock = clock;
        this.recycleAfterFailures = recycleAfterFailures;
        this.slots = new Slot[size];
        for (int i = 0; i < size; i++) {
            slots[i] = new Slot(i, clock.millis());
            free.add(slots[i]);
        }
        this.acquisitionTimer = Timer.builder("enrich.pool.acquisition")
                .description("Time a job waits in the queue for a worker slot")
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(meters);
        meters.gauge("enrich.pool.busy", this, p -> p.status().busy());
        meters.gauge("enrich.pool.queued", queue, JobQueue::size);
        idle.tryEmitNext(0);
    }

    /** Queue a job; return false when the queue is full or the pool no longer accepts work. */
    public boolean submit(QueuedJob job) {
        return submitAll(List.of(job));
    }

    /**
     * Queue jobs all or nothing: return false (and queue none) when the pool no longer accepts work or the queue
     * lacks room for every one of them.
     */
    public boolean submitAll(List<QueuedJob> jobs) {
        synchronized (this) {
            if (!accepting || queue.size() + jobs.size() > queue.capacity()) {
                return false;
            }
            List<QueuedJob> offered = new ArrayList<>();
            for (QueuedJob job : jobs) {
                if (!queue.offer(job)) {
                    offered.forEach(j -> queue.remove(j.jobId()));
                    return false;
                }
                offered.add(job);
            }
        }
        dispatch();
        return true;
    }

    /** Accept work again after a {@link #drain}. */
    public void resume() {
        synchronized (this) {
            accepting = true;
        }
        dispatch();
    }

    /** Return true while the pool accepts new work. */
    public synchronized boolean accepting() {
        return accepting;
    }

    /** Remove a queued job; return false when it was not queued. */
    public boolean removeQueued(String jobId) {
        return queue.remove(jobId);
    }

    /** Ask a running job to stop with {@code reason}; return false when it is not running. */
    public boolean stopRunning(String jobId, JobState reason) {
        Running r;
        synchronized (this) {
            r = running.get(jobId);
        }
        if (r == null) {
            return false;
        }
        r.stop.tryEmitValue(reason);
        return true;
    }

    /** Return true when the job runs in a slot now. */
    public synchronized boolean isRunning(String jobId) {
        return running.containsKey(jobId);
    }

    /** Return a queued job's 1-based position. */
    public OptionalInt position(String jobId) {
        return queue.position(jobId);
    }

    /** Return the mean duration of recent jobs (EWMA), if any finished. */
    public synchronized Optional<Duration> meanJobDuration() {
        return Double.isNaN(meanJobMillis) ? Optional.empty() : Optional.of(Duration.ofMillis((long) meanJobMillis));
    }

    /** Return the number of slots. */
    public int size() {
        return slots.length;
    }

    /** Report size, load, queue, acquisition latency and per-slot health. */
    public synchronized PoolStatus status() {
        long now = clock.millis();
        List<SlotHealth> health = new ArrayList<>();
        for (Slot s : slots) {
            health.add(s.health(now));
        }
        int busy = running.size();
        return new PoolStatus(slots.length, busy, slots.length - busy, queue.size(), queue.capacity(), accepting,
                recycled, latency.snapshot(), health);
    }

    /**
     * Stop intake and drain: let running jobs finish for up to {@code timeout}, then stop the rest as INTERRUPTED.
     * Completes when no job runs any more. Queued jobs are removed and returned so the caller can mark them.
     */
    public Mono<List<QueuedJob>> drain(Duration timeout) {
        List<QueuedJob> dropped = new ArrayList<>();
        synchronized (this) {
            accepting = false;
            for (Optional<QueuedJob> j = queue.poll(); j.isPresent(); j = queue.poll()) {
                dropped.add(j.get());
            }
        }
        Mono<Integer> whenIdle = idle.asFlux().filter(n -> n == 0).next();
        return whenIdle
                .timeout(timeout, Mono.defer(() -> {
                    List<Running> left;
                    synchronized (this) {
                        left = new ArrayList<>(running.values());
                    }
                    log.info("drain timeout reached, interrupting {} running job(s)", left.size());
                    left.forEach(r -> r.stop.tryEmitValue(JobState.INTERRUPTED));
                    return whenIdle;
                }))
                .thenReturn(dropped);
    }

    // Trampolined: a job that ends synchronously re-enters dispatch() without growing the stack.
    private void dispatch() {
        if (dispatching.getAndIncrement() != 0) {
            return;
        }
        do {
            drainQueue();
        } while (dispatching.decrementAndGet() != 0);
    }

    private void drainQueue() {
        while (true) {
            Slot slot;
            QueuedJob job;
            Running run;
            synchronized (this) {
                if (!accepting && queue.size() > 0) {
                    return;
                }
                if (free.isEmpty()) {
                    return;
                }
                Optional<QueuedJob> next = maxRunningPerTenant == 0 ? queue.poll()
                        : queue.poll(tenant -> runningOf(tenant) < maxRunningPerTenant);
                if (next.isEmpty()) {
                    return;
                }
                slot = free.poll();
                job = next.get();
                slot.jobId = job.jobId();
                run = new Running(slot, job.tenant(), clock.millis(), Sinks.one());
                running.put(job.jobId(), run);
                idle.tryEmitNext(running.size());
            }
            long waited = Math.max(0, run.startMillis - job.enqueuedAt().toEpochMilli());
            latency.record(waited);
            acquisitionTimer.record(Duration.ofMillis(waited));
            start(job, run);
        }
    }

    private void start(QueuedJob job, Running run) {
        Mono<JobState> work;
        try {
            work = task.run(job, run.stop.asMono());
        } catch (RuntimeException e) {
            work = Mono.error(e);
        }
        work.onErrorResume(e -> {
                    log.error("job task crashed job={} tenant={}", job.jobId(), job.tenant(), e);
                    return Mono.just(JobState.FAILED);
                })
                .defaultIfEmpty(JobState.FAILED)
                .subscribe(state -> release(job, run, state));
    }

    private void release(QueuedJob job, Running run, JobState state) {
        synchronized (this) {
            running.remove(job.jobId());
            long took = clock.millis() - run.startMillis;
            Slot slot = run.slot;
            boolean failed = state == JobState.FAILED;
            slot.finished(took, failed);
            if (state == JobState.COMPLETED || state == JobState.PARTIAL) {
                meanJobMillis = Double.isNaN(meanJobMillis) ? took : 0.8 * meanJobMillis + 0.2 * took;
            }
            if (slot.consecutiveFailures >= recycleAfterFailures) {
                log.warn("recycling worker slot {} after {} consecutive failures", slot.number,
                        slot.consecutiveFailures);
                slot.recycle(clock.millis());
                recycled++;
            }
            free.add(slot);
            idle.tryEmitNext(running.size());
        }
        dispatch();
    }

    private record Running(Slot slot, String tenant, long startMillis, Sinks.One<JobState> stop) {}

    /** Count a tenant's running jobs; a scan of at most {@code size} entries, under the pool's lock. */
    private int runningOf(String tenant) {
        int count = 0;
        for (Running r : running.values()) {
            if (r.tenant.equals(tenant)) {
                count++;
            }
        }
        return count;
    }

    /** Return how many of {@code tenant}'s jobs wait in the queue. */
    public int queued(String tenant) {
        return queue.size(tenant);
    }

    /** Return the slot a running job occupies, for tests. */
    synchronized @Nullable Integer slotOf(String jobId) {
        Running r = running.get(jobId);
        return r == null ? null : r.slot.number;
    }
}
