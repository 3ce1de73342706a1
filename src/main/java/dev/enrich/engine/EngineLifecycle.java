package dev.enrich.engine;

import dev.enrich.events.EventPublisher;
import dev.enrich.events.JobEvent;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.pool.WorkerPool;
import dev.enrich.queue.QueuedJob;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Drain the engine on shutdown, before the web server stops: refuse new work (readiness drops), let running jobs
 * finish for up to the drain timeout, interrupt the rest (retryable), mark queued jobs interrupted, then end every
 * open event stream so none holds the server's own graceful shutdown.
 *
 * <p>With a durable queue (Redis), queued jobs stay queued for the other replicas, the jobs the drain interrupted are
 * queued again (by this replica's timer if it fires before the queue closes, else by any replica's sweep within the
 * queue's view interval), and at start this replica queues again whatever a crash or drain left INTERRUPTED; it also
 * marks failed the jobs the queue dead-letters.
 */
public final class EngineLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EngineLifecycle.class);
    /** The most interrupted jobs queued again per start or drain. */
    private static final int RESUME_LIMIT = 10_000;

    private final WorkerPool pool;
    private final JobRepository jobs;
    private final EventPublisher events;
    private final Clock clock;
    private final Duration drainTimeout;
    private final ApplicationEventPublisher publisher;
    private final EnrichmentService service;
    private final JobRetries retries;
    /** Resuming interrupted jobs and following dead letters while started (the edge of those flows). */
    private volatile Disposable housekeeping = Disposables.disposed();
    private volatile Sinks.Empty<Void> streamsEnd = Sinks.empty();
    private volatile boolean running;
    /** True from the start of a drain until the next start: streams ending now end because this replica leaves. */
    private volatile boolean draining;
    /** The drain under way, if any: stop(Runnable) is asynchronous, so the drain runs on its own (the edge). */
    private volatile Disposable drain = Disposables.disposed();

    EngineLifecycle(WorkerPool pool, JobRepository jobs, EventPublisher events, Clock clock, Duration drainTimeout,
            ApplicationEventPublisher publisher, EnrichmentService service, JobRetries retries) {
        this.service = service;
        this.retries = retries;
        this.pool = pool;
        this.jobs = jobs;
        this.events = events;
        this.clock = clock;
        this.drainTimeout = drainTimeout;
        this.publisher = publisher;
    }

    /**
     * Return a signal that completes when open event streams must end (shutdown); their subscriptions have been
     * ended then, so a stream still open is one whose client stopped reading.
     */
    public Mono<Void> streamsEnd() {
        return Mono.defer(() -> streamsEnd.asMono());
    }

    /** Return true while this replica drains for a shutdown: from the start of the drain until a restart. */
    public boolean draining() {
        return draining;
    }

    /** Start, or resume after a stop (a paused context, e.g. between tests, is stopped and started again). */
    @Override
    public void start() {
        if (running) {
            return;
        }
        // A start after a stop whose drain has not ended (its phase timed out): that drain ends now, callback included.
        drain.dispose();
        draining = false;
        streamsEnd = Sinks.empty();
        pool.resume();
        housekeeping = Flux.merge(
                        resumeInterrupted(),
                        retries.due().concatMap(job -> service.resubmit(job).onErrorResume(e -> {
                            log.error("job={} could not be queued again after its wait", job.id(), e);
                            return Mono.empty();
                        })),
                        pool.deadLetters().concatMap(dead -> service.deadLettered(dead)
                                .onErrorResume(e -> {
                                    log.error("dead letter job={} could not be marked failed", dead.jobId(), e);
                                    return Mono.empty();
                                })))
                .subscribe();
        AvailabilityChangeEvent.publish(publisher, this, ReadinessState.ACCEPTING_TRAFFIC);
        running = true;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("stop(Runnable) is used");
    }

    @Override
    public void stop(Runnable callback) {
        log.info("draining: no new jobs; waiting up to {} for running jobs", drainTimeout);
        draining = true;
        AvailabilityChangeEvent.publish(publisher, this, ReadinessState.REFUSING_TRAFFIC);
        housekeeping.dispose();
        drain = pool.drain(drainTimeout)
                .flatMapMany(Flux::fromIterable)
                .map(QueuedJob::jobId)
                // Jobs waiting here to retry by themselves (a queue that cannot hold waits) lose their wait:
                // interrupted like the queued ones.
                .concatWith(Flux.defer(() -> Flux.fromIterable(retries.abandon()).map(Job::id)))
                .concatMap(this::interrupt)
                // Handed back to a durable queue: another replica (or this one's next start) goes on with them.
                .then(resumeInterrupted())
                .doFinally(signal -> {
                    running = false;
                    // Streams end once their clients were sent every event so far (the interrupted ones too);
                    // streamsEnd cuts, a moment later, those whose clients stopped reading.
                    events.endSubscriptions();
                    streamsEnd.tryEmitEmpty();
                    log.info("drained");
                    callback.run();
                })
                .subscribe(null, e -> log.error("drain failed", e));
    }

    private Mono<Void> resumeInterrupted() {
        return service.resumeInterrupted(RESUME_LIMIT, retries.maxAttempts())
                .doOnNext(n -> {
                    if (n > 0) {
                        log.info("resumed {} interrupted jobs", n);
                    }
                })
                .onErrorResume(e -> {
                    log.error("interrupted jobs could not be resumed", e);
                    return Mono.empty();
                })
                .then();
    }

    private Mono<Void> interrupt(String jobId) {
        return jobs.findById(jobId)
                .filter(job -> !job.state().isTerminal())
                .map(job -> job.withState(JobState.INTERRUPTED, "Interrupted by a restart. You can retry it.",
                        clock.instant()))
                .flatMap(jobs::save)
                .flatMap(job -> events.publish(JobEvent.ended(job, clock.instant())))
                .then();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    // Stop before the web server's graceful shutdown (which runs at DEFAULT_PHASE - 1024).
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
