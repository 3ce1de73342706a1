package dev.enrich.engine;

import dev.enrich.events.EventPublisher;
import dev.enrich.events.JobEvent;
import dev.enrich.events.JobMoves;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.job.StoreOutages;
import dev.enrich.job.StageStatus;
import dev.enrich.pipeline.MediaLengths;
import dev.enrich.pipeline.Pipeline;
import dev.enrich.pipeline.PipelineSignal;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageInterruptedException;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageState;
import dev.enrich.pool.JobTask;
import dev.enrich.progress.DurationModel;
import dev.enrich.progress.JobProgress;
import dev.enrich.queue.QueuedJob;
import dev.enrich.resilience.ErrorClassifier;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiFunction;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Run one job in a worker slot: drive the pipeline, keep the job's state, progress and ETA, checkpoint stage
 * results, and publish events. Progress events are throttled to one per {@code progressInterval} per job.
 *
 * <p>Every event of a job is published in the order of the job's pipeline signals, from one serial chain of stores
 * (moves that came in while a store was under way go in one step): a stage's {@code retrying} events come between
 * its {@code stage} events. What others derive from job events (batch progress)
 * they derive from {@link EventPublisher#published()}; the runner calls back no one.
 */
final class JobRunner implements JobTask {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    /** An end stored less than this ago is being published by whoever stored it; it is not published again here. */
    static final Duration END_GRACE = Duration.ofSeconds(5);
    private static final Duration STORE_BACKOFF_MAX = Duration.ofSeconds(5);
    private static final int STORE_OUTAGE_RETRIES = 120;
    /** The most moves stored in one step. */
    static final int MAX_GROUP = 32;
    /** What a job whose run failed outside its stages says (no detail: the log has it). */
    static final String CRASHED = "Something went wrong on our side. You can retry it.";

    private final JobRepository jobs;
    private final SessionRepository sessions;
    private final Pipeline pipeline;
    private final EventPublisher events;
    private final DurationModel durations;
    private final Clock clock;
    private final Cancels cancels;
    private final Duration progressInterval;
    private final JobMetrics metrics;
    private final @Nullable JobRetries retries;

    /** Run jobs; with {@code retries}, a job whose stages failed for a transient cause is queued again by itself. */
    JobRunner(JobRepository jobs, SessionRepository sessions, Pipeline pipeline, EventPublisher events,
            DurationModel durations, Clock clock, Duration progressInterval, JobMetrics metrics,
            @Nullable JobRetries retries) {
        this.metrics = metrics;
        this.retries = retries;
        this.jobs = jobs;
        this.sessions = sessions;
        this.pipeline = pipeline;
        this.events = events;
        this.durations = durations;
        this.clock = clock;
        this.progressInterval = progressInterval;
        this.cancels = new Cancels(jobs, events, clock);
    }

    /**
     * Run a job the queue handed out. A job already ended (cancelled while queued) is not run; its end is published if
     * it never was (see {@link #publishEndIfMissing}). A job found RUNNING was taken over from a replica that died
     * or stopped refreshing its claim: it resumes from its checkpoints, and the stalled run, if it goes on, finds its
     * next save refused and gives way. An entry queued for another attempt than the job's gives way at once.
     */
    @Override
    public Mono<JobState> run(QueuedJob queued, Mono<JobState> stop) {
        return jobs.findById(queued.jobId())
                .flatMap(job -> {
                    if (job.state().isTerminal()) {
                        return publishEndIfMissing(job).thenReturn(job.state());
                    }
                    if (queued.attempt() > 0 && queued.attempt() != job.attempt()) {
                        // An entry of another attempt, left pending (its acknowledgement failed, or its replica died
                        // before it): the job's own entry runs it; this one gives way and is acknowledged.
                        log.warn("queue entry of attempt {} not run job={} tenant={}: the job is on attempt {}",
                                queued.attempt(), job.id(), job.tenant(), job.attempt());
                        return Mono.just(JobState.CANCELLED);
                    }
                    if (job.state() == JobState.RUNNING) {
                        log.warn("job taken over job={} tenant={}: resuming from its checkpoints", job.id(),
                                job.tenant());
                    }
                    AtomicReference<@Nullable Run> run = new AtomicReference<>();
                    // Every save of this run says which delivery of the entry it is: once it stored its start, an
                    // earlier run of the job (one that stalled past its claim) can store nothing more.
                    Job mine = job.deliveredAs(queued.delivery());
                    return start(mine, stop, run)
                            .onErrorResume(e -> crashed(mine, run.get(), e))
                            .contextWrite(JobLogContext.of(job));
                })
                .defaultIfEmpty(JobState.FAILED);
    }

    /**
     * End a run that failed where no stage result could say so (a bug, a record that cannot be read): the job is
     * stored FAILED and its end published, so that no one watches a job that stays running with no run behind it.
     * It is moved from the state this run last stored (or read), as every save is: a job that moved elsewhere
     * meanwhile (a cancel, a retry) is left as it is. A store outage (including one longer than a job waits for it)
     * fails no job: the error goes on to the dispatcher, which leaves the job to its queue (a durable queue hands it
     * out again and it resumes from its checkpoints); so does a failure to store the end.
     */
    private Mono<JobState> crashed(Job read, @Nullable Run run, Throwable error) {
        if (StoreOutages.is(error)) {
            return Mono.error(error);
        }
        log.error("job run failed job={}: recording it as failed", read.id(), error);
        if (run != null && run.movedElsewhere) {
            return endedElsewhere(read.id()).onErrorMap(e -> suppressed(error, e));
        }
        // As this run last stored it: its signals may have been taken in further than what was stored.
        Job last = run == null ? read : run.storedJob;
        JobState from = last.state();
        Job failed = ended(last, JobState.FAILED, CRASHED);
        // The state alone cannot tell this run's job from a later run of it in the same state (a cancel then a retry
        // while it failed): the attempt must be this run's too.
        return jobs.findById(read.id())
                .flatMap(stored -> stored.state() != from || stored.attempt() != last.attempt()
                        ? Mono.just(false)
                        : events.publishMove(from, failed, null, JobEvent.ended(failed, clock.instant())))
                .flatMap(moved -> moved ? Mono.just(JobState.FAILED) : endedElsewhere(read.id()))
                .defaultIfEmpty(JobState.CANCELLED) // deleted meanwhile, as endedElsewhere answers
                .onErrorMap(e -> suppressed(error, e));
    }

    private static Throwable suppressed(Throwable error, Throwable also) {
        error.addSuppressed(also);
        return error;
    }

    /**
     * Publish the end of a job that ended without it: its run stored the end, then its replica died before publishing
     * it, and the queue handed the job out again (after the claim's idle time, so the end is older than
     * {@link #END_GRACE}). Without the event, the job's stream and its batch's would not end.
     */
    private Mono<Void> publishEndIfMissing(Job job) {
        Instant finished = job.finishedAt();
        if (finished != null && finished.plus(END_GRACE).isAfter(clock.instant())) {
            // Ended just now: whoever stored the end (a cancel) is publishing it.
            return Mono.empty();
        }
        return events.endPublished(job.id())
                .filter(published -> !published)
                .flatMap(missing -> {
                    log.warn("job ended without its end published job={} state={}: publishing it", job.id(),
                            job.state().wire());
                    return events.publish(JobEvent.ended(job, clock.instant()));
                })
                .then();
    }

    private Mono<JobState> start(Job queuedJob, Mono<JobState> stop, AtomicReference<@Nullable Run> started) {
        return sessions.find(queuedJob.tenant(), queuedJob.sessionId())
                .flatMap(session -> jobs.results(queuedJob.id())
                        .flatMap(checkpoint -> execute(queuedJob, session, checkpoint, stop, started)))
                .switchIfEmpty(Mono.defer(() -> finish(new Run(queuedJob, null),
                        JobState.FAILED, "This session is no longer available.")));
    }

    private Mono<JobState> execute(Job queuedJob, Session session, Map<StageName, StageResult> checkpoint,
            Mono<JobState> stop, AtomicReference<@Nullable Run> started) {
        JobProgress progress = new JobProgress(queuedJob.requested(), durations, MediaLengths.of(session),
                MediaLengths.inputs(session));
        Run run = new Run(queuedJob, progress);
        started.set(run);
        AtomicReference<@Nullable JobState> stopped = new AtomicReference<>();
        // Listened to by the pipeline and by the stores (the stop emits one reason, to each listener). It wins
        // over an interruption the run found by itself (a stage's resource taken by the shutdown).
        Mono<JobState> stopSignal = stop.doOnNext(reason -> {
            if (reason == JobState.RUNNING) {
                // Its queue entry was taken over: the job runs elsewhere now, and this run stores nothing more. Set
                // first: whoever reads the reason sees it.
                run.movedElsewhere = true;
            }
            JobState before = stopped.getAndUpdate(now -> now == null || now == JobState.INTERRUPTED ? reason : now);
            if (reason == JobState.RUNNING && before != reason) {
                log.warn("run stopped job={}: another replica took its queue entry over", queuedJob.id());
            }
        });
        run.job = queuedJob.withState(JobState.RUNNING, "Starting...", clock.instant());
        // Moved from the state it was read in, or not at all: a cancel (on any replica) in between wins.
        return saveStart(run).then(Mono.defer(() -> {
            if (run.movedElsewhere) {
                return endedElsewhere(run);
            }
            log.info("job started job={} tenant={} stages={}", queuedJob.id(), queuedJob.tenant(),
                    queuedJob.requested());
            return runPipeline(run, session, checkpoint, stopSignal, stopped);
        }));
    }

    private Mono<JobState> runPipeline(Run run, Session session, Map<StageName, StageResult> checkpoint,
            Mono<JobState> stopSignal, AtomicReference<@Nullable JobState> stopped) {
        Job queuedJob = run.job;
        return pipeline.run(queuedJob.id(), session, queuedJob.requested(), checkpoint)
                .takeUntilOther(Flux.merge(stopSignal, run.lost.asMono()))
                // The shutdown took what a stage needed: the job stops as if the drain had interrupted it.
                .onErrorResume(StageInterruptedException.class, e -> {
                    stopped.compareAndSet(null, JobState.INTERRUPTED);
                    return Mono.empty();
                })
                // Each signal is taken in as it comes (the job, its progress, what to store); what to store is stored
                // in order, and all that came in while a store was under way goes in one step (group commit). The
                // prefetch lets signals in while a store is under way (concatMap's default, 0, would hold them back).
                .<Boolean>handle((signal, sink) -> {
                    if (handle(run, signal, checkpoint)) {
                        sink.next(true);
                    }
                })
                .concatMap(stored -> store(run, stopped), MAX_GROUP)
                .then()
                // The pipeline may end (and stop listening) while stores are still to be made: the stop is listened
                // to for as long as they are (it never ends this wait; the stores do).
                .transform(stores -> Mono.firstWithSignal(stopSignal.then(Mono.<Void>never()), stores))
                .then(Mono.defer(() -> {
                    JobState reason = stopped.get();
                    if ((run.movedElsewhere || reason == JobState.RUNNING) && reason != JobState.CANCELLED) {
                        return endedElsewhere(run);
                    }
                    if (reason != null) {
                        return finish(run, reason, reason == JobState.CANCELLED
                                ? "Cancelled." : "Interrupted by a restart. You can retry it.");
                    }
                    JobState outcome = Outcome.of(run.job);
                    Throwable cause = run.transientFailure;
                    Optional<Duration> delay = retries == null || cause == null || run.permanentFailure
                            || outcome == JobState.COMPLETED
                            ? Optional.empty() : retries.delay(run.job.attempt(), cause);
                    return delay.isPresent() ? retryLater(run, outcome, delay.get(), stopSignal)
                            : finish(run, outcome, Outcome.message(run.job));
                }));
    }

    /**
     * Take a pipeline signal in: the run's job, progress and outcome as it says, and what to store of it queued for
     * {@link #store} (a move with its event, or an event said only). Called from the run's serial chain of signals.
     *
     * @return whether something was queued to store
     */
    private boolean handle(Run run, PipelineSignal signal, Map<StageName, StageResult> checkpoint) {
        long now = clock.millis();
        StageName stage = signal.stage();
        JobProgress progress = run.progress();
        if (signal instanceof PipelineSignal.Started) {
            progress.stageStarted(stage, now);
            run.job = run.job.withStage(stage, s -> s.running(clock.instant(), stage.activity()));
            updateProgress(run, stage.activity(), now);
            return run.queue(new JobMoves.Step(run.job, null, JobEvent.stage(run.job, stage, clock.instant())));
        }
        if (signal instanceof PipelineSignal.Retrying r) {
            // Said, not kept: the job's own message moves on with the stage's next progress.
            return run.queue(JobEvent.retrying(run.job, stage, r.attempt(), r.maxAttempts(), r.delay(),
                    clock.instant()));
        }
        if (signal instanceof PipelineSignal.Progressed p) {
            progress.stageProgress(stage, p.fraction(), now);
            run.job = run.job.withStage(stage, s -> s.progressed(progress.stage(stage), p.message()));
            if (now - run.lastProgressEventMillis < progressInterval.toMillis()) {
                return false;
            }
            run.lastProgressEventMillis = now;
            updateProgress(run, p.message(), now);
            return run.queue(new JobMoves.Step(run.job, null, JobEvent.progress(run.job, stage, clock.instant())));
        }
        PipelineSignal.Finished finished = (PipelineSignal.Finished) signal;
        StageResult result = finished.result();
        boolean fresh = checkpoint.get(stage) != result;
        StageStatus ran = run.job.stages().get(stage);
        if (fresh && ran != null && ran.startedAt() != null) {
            metrics.stageFinished(stage, result.state(), Duration.between(ran.startedAt(), clock.instant()));
        }
        Throwable failure = finished.failure();
        if (failure != null && !ErrorClassifier.isTransient(failure)) {
            run.permanentFailure = true;
        } else if (failure != null && run.transientFailure == null) {
            run.transientFailure = failure;
            run.failedStage = stage;
        }
        progress.stageFinished(stage, fresh && result.state() == StageState.SUCCEEDED, now);
        String said = result.message() != null ? result.message()
                : result.state().isUseful() ? stage.done() : null;
        run.job = run.job.withStage(stage, s -> s.finished(result.state(), said, result.path(), clock.instant()));
        updateProgress(run, run.job.message(), now);
        // A fresh result is checkpointed with the move that reports it (one step on a shared store).
        return run.queue(new JobMoves.Step(run.job, fresh ? result : null, JobEvent.stage(run.job, stage,
                clock.instant())));
    }

    /**
     * Store what {@link #handle} queued, in order, from the run's serial chain of stores: all the moves queued by now
     * in one step ({@link EventPublisher#publishMoves}, up to {@link #MAX_GROUP}), or the event said only that comes
     * first. Nothing when an earlier call stored it all already. Stored as {@link #save} stores one move. Once the run
     * was told to stop (the stop is listened to for as long as stores are made, see {@link #runPipeline}), the moves
     * are not made, and their results are kept.
     */
    private Mono<Void> store(Run run, AtomicReference<@Nullable JobState> stopped) {
        return Mono.defer(() -> {
            Object head = run.pending.poll();
            if (head == null) {
                return Mono.empty();
            }
            boolean stop = run.movedElsewhere || stopped.get() != null;
            if (head instanceof JobEvent said) {
                return stop ? Mono.empty() : events.publish(said).then();
            }
            List<JobMoves.Step> steps = run.groupFrom((JobMoves.Step) head);
            String jobId = steps.get(0).next().id();
            if (stop) {
                return Flux.fromIterable(steps).filter(step -> step.checkpoint() != null)
                        .concatMap(step -> whileStoreIsDown(jobs.keepResult(jobId, step.checkpoint().stage(),
                                step.checkpoint()), jobId))
                        .then();
            }
            Job last = steps.get(steps.size() - 1).next();
            return whileStoreIsDown(events.publishMoves(run.stored(), steps), jobId)
                    .doOnNext(moved -> settle(run, last, moved))
                    .then();
        });
    }

    private void updateProgress(Run run, String message, long now) {
        JobProgress progress = run.progress();
        Long eta = progress.etaSeconds(now);
        run.job = run.job.withProgress(progress.overall(), eta, message);
    }

    private Mono<JobState> finish(Run run, JobState state, String message) {
        if (run.movedElsewhere) {
            return state == JobState.CANCELLED ? cancelAsStored(run.job) : endedElsewhere(run);
        }
        run.job = ended(run.job, state, message);
        log.info("job finished job={} tenant={} state={}", run.job.id(), run.job.tenant(), state);
        return save(run, JobEvent::ended).then(Mono.defer(() -> !run.movedElsewhere ? Mono.just(state)
                : state == JobState.CANCELLED ? cancelAsStored(run.job) : endedElsewhere(run)));
    }

    /**
     * Record a cancel this run was told of after the job moved away from it (another replica's run took it over,
     * so this run's saves are refused): the cancel still ends the job, whichever run holds it now, as a cancel made
     * on that replica would. A job that ended meanwhile, or that is on another attempt by now (the user retried it),
     * is left as it is. Paused while the store is out, as every save.
     */
    private Mono<JobState> cancelAsStored(Job mine) {
        String jobId = mine.id();
        return whileStoreIsDown(jobs.findById(jobId)
                        .flatMap(stored -> cancels.cancel(stored, now -> now.attempt() == mine.attempt())), jobId)
                // As endedElsewhere answers: not terminal would mean another run holds it (this one gives way).
                .map(now -> now.state().isTerminal() ? now.state() : JobState.CANCELLED)
                .defaultIfEmpty(JobState.CANCELLED);
    }

    private Job ended(Job job, JobState state, String message) {
        Job done = job;
        for (StageStatus s : job.stages().values()) {
            if (!s.state().isFinished()) {
                done = done.withStage(s.stage(), st -> st.finished(StageState.CANCELLED, null, null, clock.instant()));
            }
        }
        return done.withState(state, message, clock.instant());
    }

    /**
     * End this run with {@code state} in the job's history and store the job QUEUED for its next run, queued again
     * after {@code delay} (by the durable queue, whose wait is held with the move, or by the retries); its watchers
     * hear a friendly {@code retrying} event (the stream goes on). Stages that succeeded keep their checkpoints and
     * are not run again.
     */
    private Mono<JobState> retryLater(Run run, JobState state, Duration delay, Mono<JobState> stop) {
        JobRetries later = Objects.requireNonNull(retries);
        StageName stage = Objects.requireNonNull(run.failedStage);
        Job again = ended(run.job, state, Outcome.message(run.job)).retried(clock.instant());
        run.job = again.withProgress(0, null, JobEvent.jobRetryingMessage(delay));
        log.info("job retrying job={} tenant={} attempt={} of {} in {} ms cause={}", again.id(), again.tenant(),
                again.attempt(), later.maxAttempts(), delay.toMillis(), run.transientFailure);
        // A shared store holds the wait with the move (one step: a crash in between would leave the job QUEUED
        // with nothing to queue it); otherwise the retries hold it, after the move.
        return save(run, (job, at) -> JobEvent.jobRetrying(job, stage, job.attempt(), later.maxAttempts(), delay,
                        at), delay)
                .then(Mono.defer(() -> {
                    if (run.movedElsewhere) {
                        return endedElsewhere(run);
                    }
                    // This run ended: the queue acknowledges it; the next run is a new queue entry.
                    return (events.holdsWaits() ? Mono.<Void>empty() : later.later(run.job, delay))
                            // A cancel that reached this run after its pipeline ended (it was told "Cancelling..."):
                            // it wins. The job ends here; its wait, when over, finds it ended and does not run it.
                            .then(Mono.firstWithSignal(stop, Mono.<JobState>empty()))
                            .filter(reason -> reason == JobState.CANCELLED)
                            .flatMap(reason -> finish(run, reason, "Cancelled."))
                            .defaultIfEmpty(state);
                }));
    }

    // Store the job as it is now, with the event `event` makes of what is stored. Stored only while the job
    // is still in the state this run last stored: a job ended elsewhere meanwhile (cancelled through another replica)
    // is not overwritten, and its run stops.
    private Mono<Void> save(Run run, BiFunction<Job, Instant, JobEvent> event) {
        return save(run, event, null);
    }

    /**
     * Store the run's start, as {@link #save} does, from the state the job was read in. A run that took the queue
     * entry over (a later delivery) may have read the job QUEUED just before the stalled run of the earlier delivery
     * stored its own start: finding it RUNNING by an earlier run of the same attempt, it takes it from that run, as it
     * would have had it read the job RUNNING (otherwise both would give way: this one to the stalled run, which stops
     * once its claim refresh finds the entry taken over, and the job would stay RUNNING with no run).
     */
    private Mono<Void> saveStart(Run run) {
        Job snapshot = run.job;
        String jobId = snapshot.id();
        BiFunction<JobState, Job, Mono<Boolean>> move = (from, job) -> whileStoreIsDown(
                events.publishMove(from, job, null, JobEvent.progress(job, null, clock.instant())), jobId);
        Mono<Boolean> fromAnEarlierRun = whileStoreIsDown(jobs.findById(jobId), jobId)
                .filter(stored -> stored.state() == JobState.RUNNING && stored.attempt() == snapshot.attempt()
                        && stored.runOrder() < snapshot.runOrder())
                .flatMap(stored -> {
                    log.warn("job started by an earlier delivery of its entry job={}: taking it over", jobId);
                    return move.apply(JobState.RUNNING, snapshot);
                })
                .defaultIfEmpty(false);
        JobState from = run.stored();
        return move.apply(from, snapshot)
                .flatMap(moved -> moved || from == JobState.RUNNING ? Mono.just(moved) : fromAnEarlierRun)
                .doOnNext(moved -> settle(run, snapshot, moved))
                .then();
    }

    // What a save's answer means for its run: the job is as stored now, or it moved elsewhere and the run stops.
    private static void settle(Run run, Job snapshot, boolean moved) {
        if (moved) {
            run.storedJob = snapshot;
        } else {
            run.movedElsewhere = true;
            run.lost.tryEmitValue(JobState.CANCELLED);
        }
    }

    // As save above, or with the wait of the automatic retry the job is stored QUEUED for (held with the move where
    // the store can).
    private Mono<Void> save(Run run, BiFunction<Job, Instant, JobEvent> event, @Nullable Duration retryWait) {
        Job snapshot = run.job;
        if (run.movedElsewhere) {
            return Mono.empty();
        }
        JobState from = run.stored();
        // The move and its event in one step where the store allows (one Redis script).
        JobEvent said = event.apply(snapshot, clock.instant());
        Mono<Boolean> move = retryWait == null ? events.publishMove(from, snapshot, null, said)
                : events.publishRetryMove(from, snapshot, said, retryWait, clock.instant(), run.order);
        return whileStoreIsDown(move, run.job.id())
                .doOnNext(moved -> settle(run, snapshot, moved))
                .then();
    }

    /**
     * Retry a store call while the store is out (Redis down or hung: connection failures and timeouts), with backoff
     * up to {@link #STORE_BACKOFF_MAX}, for up to about {@link #STORE_OUTAGE_RETRIES} tries: the job's stores pause
     * instead of failing (its stages go on until {@link #MAX_GROUP} stores wait), and go on when the store is back.
     * Other errors pass at once.
     */
    private static <T> Mono<T> whileStoreIsDown(Mono<T> call, String jobId) {
        return call.retryWhen(Retry.backoff(STORE_OUTAGE_RETRIES, Duration.ofMillis(250))
                .maxBackoff(STORE_BACKOFF_MAX)
                .filter(StoreOutages::is)
                .doBeforeRetry(r -> {
                    if (r.totalRetries() == 0) {
                        log.warn("job store unreachable job={}: pausing until it is back ({})", jobId,
                                r.failure().toString());
                    }
                }));
    }

    // The job was moved by someone else (a cancel on another replica): report its stored state, store nothing.
    private Mono<JobState> endedElsewhere(Run run) {
        return endedElsewhere(run.job.id());
    }

    private Mono<JobState> endedElsewhere(String jobId) {
        return jobs.findById(jobId).map(job -> {
            log.info("job ended elsewhere job={} tenant={} state={}", job.id(), job.tenant(), job.state());
            // Not terminal would mean two runs of one job: this one gives way (its queue entry is acknowledged).
            return job.state().isTerminal() ? job.state() : JobState.CANCELLED;
        }).defaultIfEmpty(JobState.CANCELLED);
    }

    /**
     * Hold a running job's latest state; touched from the job's serial signal chain, and (what it stored) from its
     * serial chain of stores, which may run beside it.
     */
    private static final class Run {
        Job job;
        private final @Nullable JobProgress progress;
        long lastProgressEventMillis = Long.MIN_VALUE / 2;
        /** Set when a save found the job no longer RUNNING: it ended elsewhere, and this run stops. */
        volatile boolean movedElsewhere;
        final Sinks.One<JobState> lost = Sinks.one();
        /** The first transient failure of a stage in this run, if any: the job may run again by itself. */
        @Nullable Throwable transientFailure;
        @Nullable StageName failedStage;
        /** Set when a stage failed for a cause no later run would cure: the job does not retry by itself. */
        boolean permanentFailure;
        /** The job as this run last stored it (or read it): its state is the only one its next save may move from. */
        volatile Job storedJob;
        /** This run's order among the job's runs (its attempt and delivery), kept when its job is retried. */
        final long order;
        /**
         * What {@link #handle} queued and {@link #store} has not taken yet, in order: moves ({@link JobMoves.Step}) and
         * events said only ({@link JobEvent}). One thread adds while another takes.
         */
        final Queue<Object> pending = new ConcurrentLinkedQueue<>();

        Run(Job job, @Nullable JobProgress progress) {
            this.job = job;
            this.order = job.runOrder();
            this.storedJob = job;
            this.progress = progress;
        }

        boolean queue(Object step) {
            pending.add(step);
            return true;
        }

        // The move taken from the head of the queue, with the moves queued right after it, up to MAX_GROUP in all.
        List<JobMoves.Step> groupFrom(JobMoves.Step head) {
            if (!(pending.peek() instanceof JobMoves.Step)) {
                return List.of(head);
            }
            List<JobMoves.Step> group = new ArrayList<>();
            group.add(head);
            while (group.size() < MAX_GROUP && pending.peek() instanceof JobMoves.Step next) {
                group.add(next);
                pending.poll();
            }
            return group;
        }

        // The state this run last stored (or read): the only state its next save may move the job from.
        JobState stored() {
            return storedJob.state();
        }

        JobProgress progress() {
            if (progress == null) {
                throw new IllegalStateException("job " + job.id() + " has no progress tracker");
            }
            return progress;
        }
    }
}
