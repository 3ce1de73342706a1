package dev.enrich.engine;

import dev.enrich.events.EventPublisher;
import dev.enrich.events.JobMoves;
import dev.enrich.events.JobEvent;
import dev.enrich.events.SnapshotSource;
import dev.enrich.job.Batch;
import dev.enrich.job.BatchRepository;
import dev.enrich.job.BatchView;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.job.JobView;
import dev.enrich.job.Priority;
import dev.enrich.model.PoolStatus;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pool.WorkerPool;
import dev.enrich.progress.EtaText;
import dev.enrich.progress.QueueEstimate;
import dev.enrich.queue.QueuedJob;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.StorageLimitException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Accept enrichment requests, cancel jobs and show jobs and batches to their owners. The API's one entry to the
 * engine; every call is scoped by tenant, so another tenant's ids are simply not found. Also what event stream
 * snapshots show ({@link SnapshotSource}).
 */
public final class EnrichmentService implements SnapshotSource {

    /** Where queue calls that may wait for I/O run: the bounded elastic threads. */
    private static final Executor QUEUE_IO = task -> Schedulers.boundedElastic().schedule(task);

    private final SessionRepository sessions;
    private final JobRepository jobs;
    private final BatchRepository batches;
    private final WorkerPool pool;
    private final EventPublisher events;
    private final Clock clock;
    private final Duration retryAfter;
    private final int maxQueuedPerTenant;
    private final Cancels cancels;

    EnrichmentService(SessionRepository sessions, JobRepository jobs, BatchRepository batches, WorkerPool pool,
            EventPublisher events, Clock clock, Duration retryAfter, int maxQueuedPerTenant) {
        this.maxQueuedPerTenant = maxQueuedPerTenant;
        this.sessions = sessions;
        this.jobs = jobs;
        this.batches = batches;
        this.pool = pool;
        this.events = events;
        this.clock = clock;
        this.retryAfter = retryAfter;
        this.cancels = new Cancels(jobs, events, clock);
    }

    /** Queue an enrichment of one session; fails NOT_FOUND for an unknown session and BUSY for a full queue. */
    public Mono<Job> enrich(String tenant, String sessionId, Set<StageName> stages, Priority priority) {
        return sessions.find(tenant, sessionId)
                .switchIfEmpty(Mono.error(() -> EnrichException.notFound("session")))
                .flatMap(session -> {
                    requireAccepting(tenant, 1);
                    Job job = Job.queued(newId(), tenant, sessionId, null, priority, stages, clock.instant());
                    return enqueue(List.of(job), null).thenReturn(job);
                });
    }

    /** Queue one batch-priority job per session; all or nothing: an unknown session or a full queue takes none. */
    public Mono<Batch> enrichBatch(String tenant, List<String> sessionIds, Set<StageName> stages) {
        return Flux.fromIterable(sessionIds)
                .concatMap(id -> sessions.find(tenant, id)
                        .switchIfEmpty(Mono.error(() -> new EnrichException(EnrichException.Kind.NOT_FOUND,
                                "We couldn't find session " + id + ".")))
                        .thenReturn(id))
                .then(Mono.defer(() -> {
                    requireAccepting(tenant, sessionIds.size());
                    String batchId = newId();
                    List<Job> created = new ArrayList<>();
                    for (String sessionId : sessionIds) {
                        created.add(Job.queued(newId(), tenant, sessionId, batchId, Priority.BATCH, stages,
                                clock.instant()));
                    }
                    Batch batch = new Batch(batchId, tenant, created.stream().map(Job::id).toList(),
                            clock.instant());
                    return enqueue(created, batch)
                            .then(Mono.defer(() -> batchView(batch)))
                            .flatMap(view -> events.publishBatch(JobEvent.batch(view, tenant, clock.instant())))
                            .thenReturn(batch);
                }));
    }

    /** Cancel a queued or running job; fails NOT_FOUND for unknown ids and CONFLICT when it already ended. */
    public Mono<Job> cancel(String tenant, String jobId) {
        return job(tenant, jobId).flatMap(job -> {
            if (job.state().isTerminal()) {
                return Mono.error(new EnrichException(EnrichException.Kind.CONFLICT,
                        "This job already finished, so there is nothing to cancel."));
            }
            return stop(job);
        });
    }

    /**
     * Cancel a job that had not ended when read: take it out of the queue, or stop its run here, or record the cancel
     * for a runner elsewhere. Answer with the job as it stands (a run stopping here still says "Cancelling...").
     */
    Mono<Job> stop(Job job) {
        String jobId = job.id();
        return offEventLoop(() -> pool.removeQueued(jobId)).flatMap(removed -> {
            if (removed) {
                return cancels.cancel(job, any -> true);
            }
            if (pool.stopRunning(jobId, JobState.CANCELLED)) {
                return Mono.just(job.withProgress(job.progress(), job.etaSeconds(), "Cancelling..."));
            }
            // Not yet handed to a pool, just finished, running on another replica, or its run here already told to
            // stop for another reason (a drain, a lost entry): record the cancel from the state it is in; a runner
            // (here or elsewhere) finds it moved and stops at its next step.
            return jobs.findById(jobId).flatMap(read -> cancels.cancel(read, any -> true));
        });
    }

    /**
     * Queue again the jobs a drain or a crash interrupted, when the queue is durable (it outlives this process, so
     * their records did too): each moves INTERRUPTED → QUEUED once across all replicas (the first to move it queues
     * it: on Redis through a wait of no time held with the move, queued by this replica's timer or any replica's
     * sweep), keeping its checkpoints. Return how many this replica moved. A memory backend has nothing to resume.
     */
    public Mono<Integer> resumeInterrupted(int limit) {
        return resumeInterrupted(limit, Integer.MAX_VALUE);
    }

    /**
     * Queue again, as {@link #resumeInterrupted(int)} does, the interrupted jobs that had fewer than
     * {@code maxAttempts} runs; mark the others failed (dead letters an operator or the user may retry).
     */
    public Mono<Integer> resumeInterrupted(int limit, int maxAttempts) {
        if (!pool.durable()) {
            return Mono.just(0);
        }
        return jobs.findByState(JobState.INTERRUPTED, limit)
                .concatMap(job -> job.attempt() >= maxAttempts ? giveUp(job).then(Mono.<Job>empty()) : Mono.just(job))
                .concatMap(job -> {
                    Job again = job.retried(clock.instant()).withProgress(0, null, "Resuming after a restart...");
                    return events.holdsWaits() ? resume(again) : resumeInTwoSteps(job, again);
                })
                .count()
                .map(Long::intValue);
    }

    /**
     * Resume in one step where the store holds waits (Redis): the move, its event, and a wait of no time that this
     * replica queues at once, or any replica's sweep if this one dies first. Queued past the queue's capacity, as
     * every wait is: the job was accepted before. No crash can leave it QUEUED with nothing to queue it.
     */
    private Mono<Job> resume(Job again) {
        Instant now = clock.instant();
        return events.publishRetryMove(JobState.INTERRUPTED, again, JobEvent.progress(again, null, now),
                        Duration.ZERO, now, 0)
                .filter(moved -> moved)
                .map(moved -> again);
    }

    // The move, then the queue (a full queue puts the job back), then the event: a crash between the move and the
    // queue would leave the job QUEUED with no entry; only for a durable queue whose store holds no waits.
    private Mono<Job> resumeInTwoSteps(Job interrupted, Job again) {
        return jobs.transition(JobState.INTERRUPTED, again)
                .filter(moved -> moved)
                .flatMap(moved -> offEventLoop(() -> pool.handBack(List.of(queued(again))))
                        .flatMap(queued -> queued ? Mono.just(again)
                                : jobs.transition(JobState.QUEUED, interrupted).then(Mono.empty())))
                .flatMap(job -> events.publish(JobEvent.progress(job, null, clock.instant())).thenReturn(job));
    }

    /**
     * Mark failed a job the queue gave up on (each of its runs killed its worker): its record says so, and its
     * watchers get its end. Nothing happens to a job that ended meanwhile.
     */
    public Mono<Void> deadLettered(QueuedJob dead) {
        return jobs.findById(dead.jobId())
                // An entry of another attempt (left pending) says nothing of the job's current one.
                .filter(job -> !job.state().isTerminal() && (dead.attempt() == 0 || dead.attempt() == job.attempt()))
                .flatMap(this::giveUp);
    }

    /**
     * Hand to the pool a job an automatic retry queued again, once its wait ended: only while it is still QUEUED for
     * that run (a cancel meanwhile wins). A pool that refuses it (full queue, draining) leaves it to a durable queue,
     * or else marks it failed, so no job waits for a queue entry it will never get.
     */
    public Mono<Void> resubmit(Job waiting) {
        return jobs.findById(waiting.id())
                .filter(job -> job.state() == JobState.QUEUED && job.attempt() == waiting.attempt())
                .flatMap(job -> offEventLoop(() -> pool.submitAll(List.of(queued(job)))
                                || pool.handBack(List.of(queued(job))))
                        .flatMap(queued -> queued ? Mono.<Void>empty() : giveUp(job)))
                .then();
    }

    // A dead letter: the job failed and stays so until someone retries it.
    private Mono<Void> giveUp(Job job) {
        Job failed = job.withState(JobState.FAILED, "We couldn't finish this job. You can retry it.",
                clock.instant()).deliveredAs(0);
        return events.publishMove(job.state(), failed, null, JobEvent.ended(failed, clock.instant())).then();
    }

    private QueuedJob queued(Job job) {
        return new QueuedJob(job.id(), job.tenant(), job.priority(), clock.instant(), job.attempt());
    }

    /**
     * Call the queue where it may wait for I/O (a durable queue): off the caller's thread, never an event loop. A
     * cancelled caller does not interrupt the call (an interrupt inside the Redis client's endpoint lock can wedge
     * its connection); the call finishes and its answer is dropped.
     */
    private static <T> Mono<T> offEventLoop(Supplier<T> call) {
        return Mono.fromFuture(() -> CompletableFuture.supplyAsync(call, QUEUE_IO), true);
    }

    /**
     * Run a finished job again, reusing the results of stages that succeeded: only failed, degraded, cancelled or
     * never-run stages run. Fails NOT_FOUND, CONFLICT for a running or fully completed job, BUSY for a full queue.
     */
    public Mono<Job> retry(String tenant, String jobId) {
        return job(tenant, jobId).flatMap(job -> {
            if (!job.state().isTerminal()) {
                return Mono.error(new EnrichException(EnrichException.Kind.CONFLICT,
                        "This job is still running, so there is nothing to retry yet."));
            }
            if (job.state() == JobState.COMPLETED) {
                return Mono.error(new EnrichException(EnrichException.Kind.CONFLICT,
                        "This job completed, so there is nothing to retry."));
            }
            requireAccepting(tenant, 1);
            Job again = job.retried(clock.instant());
            if (events.admitsJobs()) {
                return admit(List.of(again), job.state()).flatMap(admission -> switch (admission) {
                    case ADMITTED -> Mono.just(again);
                    case STALE -> Mono.error(retriedAlready());
                    case QUEUE_REFUSED -> Mono.error(pool.accepting() ? busy() : restarting());
                });
            }
            return jobs.transition(job.state(), again).flatMap(moved -> !moved
                    ? Mono.error(retriedAlready())
                    : offEventLoop(() -> pool.submitAll(List.of(queued(again)))).flatMap(queued -> queued
                            ? Mono.just(again)
                            : jobs.save(job).then(Mono.error(pool.accepting() ? busy() : restarting()))));
        });
    }

    /** List a tenant's recent jobs in one state, newest first. */
    public Flux<Job> recentJobs(String tenant, JobState state, int limit) {
        return jobs.findByTenant(tenant, Integer.MAX_VALUE).filter(j -> j.state() == state).take(limit);
    }

    /** List the dead letters (failed jobs) of every tenant, newest first: the operator's view. */
    public Flux<Job> deadLetters(int limit) {
        return jobs.findByState(JobState.FAILED, limit);
    }

    /** Find a job of a tenant; fails NOT_FOUND. */
    @Override
    public Mono<Job> job(String tenant, String jobId) {
        return jobs.find(tenant, jobId).switchIfEmpty(Mono.error(() -> EnrichException.notFound("job")));
    }

    /** Show a job with its queue position and expected start while queued. */
    @Override
    public JobView view(Job job) {
        Integer position = null;
        Long expectedStart = null;
        if (job.state() == JobState.QUEUED) {
            OptionalInt p = pool.position(job.id());
            if (p.isPresent()) {
                position = p.getAsInt();
                expectedStart = QueueEstimate.expectedStartSeconds(position, pool.size(),
                        pool.meanJobDuration().orElse(null));
            }
        }
        return JobView.of(job, job.state().isTerminal() ? null : EtaText.describe(job.etaSeconds()),
                position, expectedStart);
    }

    /** List a tenant's recent jobs, newest first. */
    public Flux<Job> recentJobs(String tenant, int limit) {
        return jobs.findByTenant(tenant, limit);
    }

    /** Find a batch of a tenant; fails NOT_FOUND. */
    public Mono<Batch> batch(String tenant, String batchId) {
        return batches.find(tenant, batchId).switchIfEmpty(Mono.error(() -> EnrichException.notFound("batch")));
    }

    /** Show a batch: counts by state, overall progress and ETA. */
    public Mono<BatchView> batchView(Batch batch) {
        return Flux.fromIterable(batch.jobIds()).concatMap(jobs::findById).collectList()
                .map(list -> BatchProgress.view(batch, list, this::view, pool.size(),
                        pool.meanJobDuration().orElse(null)));
    }

    /** Show a batch of a tenant: counts by state, overall progress and ETA; fails NOT_FOUND. */
    @Override
    public Mono<BatchView> batchView(String tenant, String batchId) {
        return batch(tenant, batchId).flatMap(this::batchView);
    }

    /** List the views of a tenant's recent jobs, newest first. */
    @Override
    public Flux<JobView> recentJobViews(String tenant, int limit) {
        return recentJobs(tenant, limit).map(this::view);
    }

    /** Report the worker pool: capacity, load, queue and per-slot health. */
    public PoolStatus poolStatus() {
        return pool.status();
    }

    /** Return the latest job of a session with its stage results so far; fails NOT_FOUND. */
    public Mono<Results> results(String tenant, String sessionId) {
        return sessions.find(tenant, sessionId)
                .switchIfEmpty(Mono.error(() -> EnrichException.notFound("session")))
                .flatMap(s -> jobs.findBySession(tenant, sessionId).next()
                        .switchIfEmpty(Mono.error(() -> new EnrichException(EnrichException.Kind.NOT_FOUND,
                                "This session has not been enriched yet."))))
                .flatMap(job -> jobs.results(job.id()).map(r -> new Results(view(job), r)));
    }

    /**
     * Carry a session's latest job and its stage results.
     *
     * @param job the job
     * @param results stage results so far, by stage
     */
    public record Results(JobView job, Map<StageName, StageResult> results) {
        public Results {
            Map<StageName, StageResult> ordered = new EnumMap<>(StageName.class);
            ordered.putAll(results);
            results = Collections.unmodifiableMap(ordered);
        }
    }

    // All or nothing: the repository keeps every job (it may be full) and the pool admits them all, or none is kept.
    private Mono<Void> enqueue(List<Job> created, @Nullable Batch batch) {
        Mono<?> saveBatch = batch == null ? Mono.empty() : batches.save(batch);
        if (events.admitsJobs()) {
            // One step (a shared store): no crash leaves a job stored with nothing to queue it, and no undo to run.
            // The batch goes first, so a batch's jobs always find it; a refusal takes it back. Another error (a
            // timeout) leaves it: the script may have run, and then the jobs are stored and queued in that batch (if
            // it did not, an empty batch no one was told of is left).
            Mono<Void> dropBatch = batch == null ? Mono.empty() : batches.delete(batch.id());
            return saveBatch
                    .then(admit(created, null))
                    .onErrorResume(StorageLimitException.class, e -> dropBatch.then(Mono.error(e)))
                    .flatMap(admission -> admission == JobMoves.Admission.ADMITTED ? Mono.<Void>empty()
                            : dropBatch.then(Mono.error(pool.accepting() ? busy() : restarting())));
        }
        Mono<Void> dropAll = Flux.fromIterable(created).concatMap(j -> jobs.delete(j.id()))
                .then(batch == null ? Mono.empty() : batches.delete(batch.id()))
                .then();
        return saveBatch
                .thenMany(Flux.fromIterable(created).concatMap(jobs::save))
                .onErrorResume(e -> dropAll.then(Mono.error(e)))
                .then(Mono.defer(() -> {
                    List<QueuedJob> queued = created.stream().map(this::queued).toList();
                    return offEventLoop(() -> pool.submitAll(queued)).flatMap(accepted -> accepted
                            ? Mono.<Void>empty()
                            : dropAll.then(Mono.error(pool.accepting() ? busy() : restarting())));
                }));
    }

    // Store and queue in one step while the pool accepts work. A drain that starts meanwhile finds the jobs in the
    // shared queue, which outlives this replica: another replica, or this one's next start, runs them.
    private Mono<JobMoves.Admission> admit(List<Job> admitted, @Nullable JobState from) {
        return Mono.defer(() -> pool.accepting() ? events.admit(admitted, from, clock.instant())
                : Mono.just(JobMoves.Admission.QUEUE_REFUSED));
    }

    /**
     * Return the refusal every submission gets while the engine drains for a shutdown (BUSY, with Retry-After), or
     * empty while it accepts work. For entries that must refuse before they reach the service, such as uploads.
     */
    public Optional<EnrichException> refusalWhileDraining() {
        return pool.accepting() ? Optional.empty() : Optional.of(restarting());
    }

    private void requireAccepting(String tenant, int jobs) {
        if (!pool.accepting()) {
            throw restarting();
        }
        // Checked, then queued: concurrent requests of one tenant may pass the quota by a few jobs (a soft limit).
        if (pool.queued(tenant) + jobs > maxQueuedPerTenant) {
            throw new EnrichException(EnrichException.Kind.TOO_MANY, "You have a lot of sessions waiting already. "
                    + "Please try again when some have finished.", retryAfter);
        }
        if (!pool.hasRoomFor(jobs)) {
            throw busy();
        }
    }

    private EnrichException restarting() {
        return new EnrichException(EnrichException.Kind.BUSY,
                "Enrich is restarting. Please try again in a moment.", retryAfter);
    }

    private static EnrichException retriedAlready() {
        return new EnrichException(EnrichException.Kind.CONFLICT, "This job is being retried already.");
    }

    private EnrichException busy() {
        return new EnrichException(EnrichException.Kind.BUSY,
                "Enrich is busy right now. Please try again in a moment.", retryAfter);
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
