package dev.enrich.pool;

import dev.enrich.job.JobState;
import dev.enrich.queue.JobQueue;
import dev.enrich.queue.QueuedJob;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Dispatch queued jobs: the queue's jobs as a Flux, consumed with bounded parallelism
 * ({@code queue.take(gate).flatMap(run, concurrency)}). A free slot is a request to the queue and backpressure is the
 * pool: at most {@code concurrency} jobs run, and no job leaves the queue before a slot is free for it.
 *
 * <p>A job that errors, throws, completes empty or is cancelled ends as a state and frees its slot; it never ends the
 * Flux. The gate asked by the queue admits a job while dispatch is open and its tenant is under its running cap.
 * Knows nothing of slot health or metrics: {@link DispatchListener}s observe it.
 */
final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final JobQueue queue;
    private final JobTask task;
    private final Clock clock;
    private final int concurrency;
    private final int maxRunningPerTenant;
    private final List<DispatchListener> listeners;
    /** Where a started job runs: its slot's worker, or null to run it on the dispatching thread. */
    private final Function<QueuedJob, @Nullable Scheduler> placement;
    /**
     * Runs in slots, by run (not job id): a durable queue may hand out a job again while a run of it that lost its
     * entry still goes on here (it stops at its next save, refused); each holds its slot until it ends.
     */
    private final Set<Running> running = ConcurrentHashMap.newKeySet();
    /** Stops the runs whose queue entries another replica took over (see {@link JobQueue#lost()}). */
    private final Disposable lostRuns;
    /** Admitted jobs not yet finished, per tenant. */
    private final Map<String, Integer> perTenant = new ConcurrentHashMap<>();
    /** Admitted jobs not yet finished: taken from the queue (possibly not yet started) or running. */
    private final AtomicInteger admitted = new AtomicInteger();
    private volatile boolean open = true;
    private volatile Sinks.Empty<Void> idle = Sinks.empty();
    private @Nullable Disposable subscription; // guarded by this

    /**
     * @param concurrency jobs run at once, > 0 (checked by the caller)
     * @param maxRunningPerTenant jobs of one tenant run at once, 0 = no cap
     */
    Dispatcher(JobQueue queue, JobTask task, Clock clock, int concurrency, int maxRunningPerTenant,
            List<DispatchListener> listeners) {
        this(queue, task, clock, concurrency, maxRunningPerTenant, listeners, job -> null);
    }

    /** @param placement where a started job runs, after the listeners heard of its start; null: right here */
    Dispatcher(JobQueue queue, JobTask task, Clock clock, int concurrency, int maxRunningPerTenant,
            List<DispatchListener> listeners, Function<QueuedJob, @Nullable Scheduler> placement) {
        this.placement = placement;
        this.queue = queue;
        this.task = task;
        this.clock = clock;
        this.concurrency = concurrency;
        this.maxRunningPerTenant = maxRunningPerTenant;
        this.listeners = List.copyOf(listeners);
        // The edge of the lost-entry flow, kept until stopListening(): the queue tells it on the thread of the reply
        // that told it (the Redis client's event loop); stopping a run only signals it.
        this.lostRuns = queue.lost().subscribe(job -> stopRun(job, JobState.RUNNING));
    }

    /** Stop the runs the queue says lost their entries no more (the pool is closed). */
    void stopListening() {
        lostRuns.dispose();
    }

    /** Return the dispatch: it never completes by itself and never errors because of a job. */
    Flux<Void> jobs() {
        return queue.take(this::admit).flatMap(this::run, concurrency);
    }

    /** Open dispatch, subscribing to {@link #jobs()} unless a subscription is live. */
    synchronized void start() {
        open = true;
        if (subscription == null) {
            // The edge of the dispatch flow: its Disposable is kept and disposed by drain or close.
            subscription = jobs().subscribe(null, e -> log.error("job dispatch ended by an error", e));
        }
    }

    /**
     * Stop admitting jobs now; let running ones finish for up to {@code timeout}, then stop the rest as INTERRUPTED.
     * The returned Mono completes when no job runs any more; the dispatch subscription is then disposed (a
     * {@link #start} restarts it).
     */
    Mono<Void> drain(Duration timeout) {
        Sinks.Empty<Void> whenIdle = Sinks.empty();
        idle = whenIdle;
        open = false;
        if (admitted.get() == 0) {
            whenIdle.tryEmitEmpty();
        }
        Mono<Void> done = whenIdle.asMono();
        return done.timeout(timeout, Mono.defer(() -> {
                    log.info("drain timeout reached, interrupting {} running job(s)", running.size());
                    running.forEach(r -> r.stop(JobState.INTERRUPTED));
                    return done;
                }))
                .then(Mono.fromRunnable(this::disposeIfClosed));
    }

    /** Stop admitting jobs and cut the dispatch: running jobs are cancelled and their slots freed. */
    synchronized void close() {
        open = false;
        if (subscription != null) {
            subscription.dispose();
            subscription = null;
        }
    }

    /**
     * Ask a running job to stop with {@code reason} (each of its runs here); return false when no run here stops with
     * that reason: none runs, or each was told another reason first (a drain's, or that the job runs elsewhere now),
     * so the caller must record its own elsewhere.
     */
    boolean stop(String jobId, JobState reason) {
        return stop(runsOf(jobId), reason);
    }

    /**
     * Ask the run of exactly this handed-out job (its attempt and delivery) to stop with {@code reason}; another run
     * of the same job here (a later delivery) goes on. Return false when no such run is here.
     */
    boolean stopRun(QueuedJob job, JobState reason) {
        return stop(runsOf(job.jobId()).stream()
                .filter(r -> r.job.attempt() == job.attempt() && r.job.delivery() == job.delivery()).toList(), reason);
    }

    private static boolean stop(List<Running> runs, JobState reason) {
        boolean stopping = false;
        for (Running r : runs) {
            stopping |= r.stop(reason); // every run is told, whatever the others answer
        }
        return stopping;
    }

    boolean isRunning(String jobId) {
        return running.stream().anyMatch(r -> r.job.jobId().equals(jobId));
    }

    /** Return a Mono that completes once the job's runs here have ended (at once when it does not run here). */
    Mono<Void> whenEnded(String jobId) {
        return Mono.when(runsOf(jobId).stream().map(r -> r.gone.asMono()).toList());
    }

    // A scan: runs are at most the pool's size, and a job id is looked up only to stop or await it.
    private List<Running> runsOf(String jobId) {
        return running.stream().filter(r -> r.job.jobId().equals(jobId)).toList();
    }

    private synchronized void disposeIfClosed() {
        if (!open) {
            close();
        }
    }

    /** Admit the queue's next job of {@code tenant}: a true answer counts as that job taken. */
    private boolean admit(String tenant) {
        admitted.incrementAndGet(); // before reading open: a drain either sees this job or this sees the drain
        boolean[] underCap = {false};
        if (open) {
            perTenant.compute(tenant, (t, n) -> {
                int count = n == null ? 0 : n;
                if (maxRunningPerTenant > 0 && count >= maxRunningPerTenant) {
                    return n;
                }
                underCap[0] = true;
                return count + 1;
            });
        }
        if (!underCap[0]) {
            leave();
        }
        return underCap[0];
    }

    private Mono<Void> run(QueuedJob job) {
        Running r = new Running(job, clock.millis());
        running.add(r);
        for (DispatchListener l : listeners) {
            notify(l, () -> l.started(job, r.startMillis));
        }
        Scheduler worker = placement.apply(job);
        Mono<JobState> work = Mono.defer(() -> task.run(job, r.stop.asMono()));
        AtomicBoolean crashed = new AtomicBoolean();
        return (worker == null ? work : work.subscribeOn(worker))
                .onErrorResume(e -> {
                    log.error("job task crashed job={} tenant={}: left to the queue", job.jobId(), job.tenant(), e);
                    crashed.set(true);
                    return Mono.just(JobState.FAILED);
                })
                .defaultIfEmpty(JobState.FAILED)
                // Before the inner completes: flatMap requests the next job only after the slot is free.
                .doOnNext(state -> finish(r, state))
                .doOnCancel(() -> finish(r, JobState.INTERRUPTED))
                // After the slot is freed: a durable queue acknowledges a terminal job only now. A crashed task could
                // not record its job's end (a store outage): the job is released, not acknowledged, so a durable queue
                // hands it out again (and gives up on it after its delivery limit) instead of the job staying RUNNING
                // for good. A memory queue has nothing to release: there only a store that fails, a bug, leaves it so.
                .flatMap(state -> queue.done(job, crashed.get() ? JobState.QUEUED : state).onErrorResume(e -> {
                    log.warn("queue could not record the end of job={}: {}", job.jobId(), e.toString());
                    return Mono.empty();
                }))
                .doFinally(signal -> r.gone.tryEmitEmpty());
    }

    private void finish(Running r, JobState state) {
        if (!r.ended.compareAndSet(false, true)) {
            return;
        }
        long end = clock.millis();
        running.remove(r);
        perTenant.computeIfPresent(r.job.tenant(), (t, n) -> n == 1 ? null : n - 1);
        for (DispatchListener l : listeners) {
            notify(l, () -> l.finished(r.job, state, r.startMillis, end));
        }
        leave();
    }

    private void leave() {
        if (admitted.decrementAndGet() == 0 && !open) {
            idle.tryEmitEmpty();
        }
    }

    private static void notify(DispatchListener listener, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.error("dispatch listener {} failed", listener.getClass().getSimpleName(), e);
        }
    }

    /**
     * A run in a slot: {@code ended} guards its one finish, {@code gone} completes when its run is over. Equal only to
     * itself (a set member per run).
     */
    private static final class Running {
        final QueuedJob job;
        final long startMillis;
        final Sinks.One<JobState> stop = Sinks.one();
        /** The first reason this run was told to stop with; it is the one its task sees. */
        final AtomicReference<@Nullable JobState> stoppedWith = new AtomicReference<>();
        final AtomicBoolean ended = new AtomicBoolean();
        final Sinks.Empty<Void> gone = Sinks.empty();

        Running(QueuedJob job, long startMillis) {
            this.job = job;
            this.startMillis = startMillis;
        }

        /** Tell the task to stop with {@code reason}; return false when it was told another reason first. */
        boolean stop(JobState reason) {
            if (stoppedWith.compareAndSet(null, reason)) {
                stop.tryEmitValue(reason);
                return true;
            }
            return stoppedWith.get() == reason;
        }
    }
}
