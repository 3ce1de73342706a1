package dev.enrich.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.events.EventLog;
import dev.enrich.events.EventPublisher;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.events.JobMoves;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.Pipeline;
import dev.enrich.pipeline.StageName;
import dev.enrich.progress.DurationModel;
import dev.enrich.queue.QueuedJob;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.SessionText;
import dev.enrich.testing.ServiceTest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * A run that fails where no stage result can say so (here: its checkpoints cannot be read) does not leave its job
 * QUEUED or RUNNING for good: the job is stored FAILED and its end published. A store outage fails no job, and when
 * the end cannot be stored, the error reaches the dispatcher (which leaves the job to its queue); a job that moved
 * elsewhere meanwhile is left as it is.
 *
 * <p>A run that stalls past its claim (a long pause of its replica) while another replica takes its queue entry over
 * stores nothing more once the new run started: not its progress, not its end, not the FAILED of a crash. It gives
 * way, and the job is the new run's (two runners of one job on one store, each on its own delivery of the entry, each
 * held at its second move).
 */
@ServiceTest
class CrashedRunTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    JobRepository jobs;

    @Autowired
    SessionRepository sessions;

    @Autowired
    Pipeline pipeline;

    @Autowired
    EventPublisher events;

    @Autowired
    EventLog log;

    @Autowired
    DurationModel durations;

    @Autowired
    JobMetrics metrics;

    @Autowired
    EnrichmentService service;

    @Test
    void aRunThatFailsOutsideItsStagesEndsItsJobFailedWithItsEndPublished() {
        Job queued = queuedJob();
        JobRunner runner = runner(faulty(jobs, unreadable(), Mono.empty()), events);

        StepVerifier.create(runner.run(queuedEntry(queued), Mono.never()))
                .expectNext(JobState.FAILED)
                .expectComplete()
                .verify(WAIT);

        Job stored = jobs.findById(queued.id()).block(WAIT);
        assertThat(stored.state()).isEqualTo(JobState.FAILED);
        assertThat(stored.message()).isEqualTo(JobRunner.CRASHED).doesNotContain("checkpoint");
        assertThat(stored.finishedAt()).isNotNull();
        assertThat(events.endPublished(queued.id()).block(WAIT)).isTrue();
        JobEvent end = log.last(EventPublisher.jobStream(queued.id())).block(WAIT);
        assertThat(end.type()).isEqualTo(EventType.FAILED);
        assertThat(end.seq()).as("one event: the end").isEqualTo(1);
    }

    @Test
    void whenEvenTheFailureCannotBeStoredTheErrorGoesOnToTheDispatcher() {
        Job queued = queuedJob();
        EventPublisher failingMoves = new EventPublisher(log, (from, next, checkpoint, stream, alsoTo, event) ->
                Mono.error(new IllegalStateException("store failed")));
        JobRunner runner = runner(faulty(jobs, unreadable(), Mono.empty()), failingMoves);

        StepVerifier.create(runner.run(queuedEntry(queued), Mono.never()))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("checkpoints unreadable");
                    assertThat(e.getSuppressed()).singleElement().satisfies(s ->
                            assertThat(s).hasMessage("store failed"));
                })
                .verify(WAIT);

        assertThat(jobs.findById(queued.id()).block(WAIT).state()).isEqualTo(JobState.QUEUED);
        assertThat(log.last(EventPublisher.jobStream(queued.id())).blockOptional(WAIT)).as("no event").isEmpty();
    }

    @Test
    void aStoreOutageFailsNoJobAndGoesOnToTheDispatcherWhichLeavesTheJobToItsQueue() {
        Job queued = queuedJob();
        RuntimeException outage = new DataAccessResourceFailureException("Redis did not answer in time");
        JobRunner runner = runner(faulty(jobs, () -> outage, Mono.empty()), events);

        StepVerifier.create(runner.run(queuedEntry(queued), Mono.never()))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(outage))
                .verify(WAIT);

        assertThat(jobs.findById(queued.id()).block(WAIT).state()).isEqualTo(JobState.QUEUED);
        assertThat(log.last(EventPublisher.jobStream(queued.id())).blockOptional(WAIT)).as("no event").isEmpty();
    }

    @Test
    void aJobThatMovedElsewhereBeforeTheFailureIsLeftAsItIs() {
        Job queued = queuedJob();
        // Cancelled (by another replica) while this run read its checkpoints, which then failed.
        Job cancelled = queued.withState(JobState.CANCELLED, "Cancelled.", Instant.now());
        JobRunner runner = runner(faulty(jobs, unreadable(),
                Mono.defer(() -> jobs.transition(JobState.QUEUED, cancelled)).then()), events);

        StepVerifier.create(runner.run(queuedEntry(queued), Mono.never()))
                .expectNext(JobState.CANCELLED)
                .expectComplete()
                .verify(WAIT);

        Job stored = jobs.findById(queued.id()).block(WAIT);
        assertThat(stored.state()).isEqualTo(JobState.CANCELLED);
        assertThat(stored.message()).isEqualTo("Cancelled.");
        assertThat(log.last(EventPublisher.jobStream(queued.id())).blockOptional(WAIT)).as("no FAILED end").isEmpty();
    }

    @Test
    void aRunOfTheSameJobThatStartedMeanwhileIsNotFailedByThisOne() {
        Job queued = queuedJob();
        // Cancelled and retried (by its user, through another replica) while this run read its checkpoints, which then
        // failed: the job is QUEUED again, as this run read it, but for its next attempt.
        Job cancelled = queued.withState(JobState.CANCELLED, "Cancelled.", Instant.now());
        Job retried = cancelled.retried(Instant.now());
        JobRunner runner = runner(faulty(jobs, unreadable(), Mono.defer(() -> jobs.transition(JobState.QUEUED,
                cancelled)).then(Mono.defer(() -> jobs.transition(JobState.CANCELLED, retried))).then()), events);

        StepVerifier.create(runner.run(queuedEntry(queued), Mono.never()))
                .expectNext(JobState.CANCELLED) // this run gives way: its queue entry is acknowledged
                .expectComplete()
                .verify(WAIT);

        Job stored = jobs.findById(queued.id()).block(WAIT);
        assertThat(stored.state()).isEqualTo(JobState.QUEUED);
        assertThat(stored.attempt()).isEqualTo(2);
        assertThat(log.last(EventPublisher.jobStream(queued.id())).blockOptional(WAIT)).as("no FAILED end").isEmpty();
    }

    @Test
    void aStalledRunThatGoesOnAfterATakeoverGivesWayAndStoresNothing() throws Exception {
        assertTheNewRunKeepsTheJob(null);
    }

    @Test
    void aStalledRunThatCrashesAfterATakeoverDoesNotStoreItsJobFailed() throws Exception {
        assertTheNewRunKeepsTheJob(new IllegalStateException("a bug in the stalled run"));
    }

    private void assertTheNewRunKeepsTheJob(@Nullable RuntimeException stalledRunFails) throws Exception {
        Takeover t = new Takeover(stalledRunFails, Mono.never());

        t.resumeFirst.tryEmitEmpty();
        assertThat(t.firstRun.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the stalled run gives way")
                .isEqualTo(JobState.CANCELLED);
        Job afterFirst = stored(t.queued);
        assertThat(afterFirst.state()).isEqualTo(JobState.RUNNING);
        assertThat(afterFirst.delivery()).isEqualTo(2);
        assertThat(t.byFirst).as("only its start was stored").containsExactly(EventType.PROGRESS);

        t.resumeSecond.tryEmitEmpty();
        assertThat(t.secondRun.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(JobState.COMPLETED);
        assertThat(stored(t.queued).state()).isEqualTo(JobState.COMPLETED);
        assertThat(t.bySecond).last().isEqualTo(EventType.COMPLETED);
        assertThat(t.bySecond).doesNotContain(EventType.FAILED, EventType.CANCELLED);
        assertThat(log.last(EventPublisher.jobStream(t.queued.id())).block(WAIT).type())
                .isEqualTo(EventType.COMPLETED);
    }

    @Test
    void aCancelThatReachesTheStalledRunAfterATakeoverStillEndsTheJob() throws Exception {
        Sinks.One<JobState> cancelFirst = Sinks.one();
        Takeover t = new Takeover(null, cancelFirst.asMono());

        // The user's cancel reaches the replica of the stalled run (it still runs there): it was told "Cancelling...".
        cancelFirst.tryEmitValue(JobState.CANCELLED);
        t.resumeFirst.tryEmitEmpty();
        assertThat(t.firstRun.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(JobState.CANCELLED);
        assertThat(stored(t.queued).state()).as("the cancel ends the job, though another run holds it")
                .isEqualTo(JobState.CANCELLED);
        assertThat(t.byFirst).containsExactly(EventType.PROGRESS, EventType.CANCELLED);

        t.resumeSecond.tryEmitEmpty();
        assertThat(t.secondRun.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the other run gives way")
                .isEqualTo(JobState.CANCELLED);
        assertThat(t.bySecond).containsExactly(EventType.PROGRESS);
        assertThat(log.last(EventPublisher.jobStream(t.queued.id())).block(WAIT).type())
                .isEqualTo(EventType.CANCELLED);
    }

    @Test
    void aRunToldItsEntryWasTakenOverStopsAndStoresNoEndEvenBeforeTheNewRunStarted() throws Exception {
        Job queued = queuedJob();
        Sinks.Empty<Void> resume = Sinks.empty();
        Queue<EventType> stored = new ConcurrentLinkedQueue<>();
        Sinks.One<JobState> stop = Sinks.one();
        JobRunner runner = runner(jobs, new EventPublisher(log, heldAtSecondMove(resume.asMono(), null, stored)));
        CompletableFuture<JobState> run = runner.run(delivery(queued, 1), stop.asMono()).toFuture();
        await().atMost(WAIT).until(() -> stored(queued).state() == JobState.RUNNING);

        // The queue's claim refresh found the entry owned by another replica, whose run has not stored its start yet.
        stop.tryEmitValue(JobState.RUNNING);
        resume.tryEmitEmpty(); // the move this run had in flight goes on

        assertThat(run.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("gives way").isEqualTo(JobState.CANCELLED);
        Job after = stored(queued);
        assertThat(after.state()).as("no end stored: the job is the new run's").isEqualTo(JobState.RUNNING);
        assertThat(after.delivery()).isEqualTo(1);
        assertThat(stored).as("its start and the stage move it had in flight, nothing after")
                .containsExactly(EventType.PROGRESS, EventType.STAGE);
        assertThat(events.endPublished(queued.id()).block(WAIT)).isFalse();

        // The run that took the entry over resumes the job from there.
        JobRunner takeover = runner(jobs, events);
        assertThat(takeover.run(delivery(queued, 2), Mono.never()).block(WAIT)).isEqualTo(JobState.COMPLETED);
        assertThat(stored(queued).state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void aTakeoverThatReadTheJobQueuedJustBeforeTheStalledRunStoredItsStartStillTakesTheJob() {
        Job queued = queuedJob();
        // The stalled run (delivery 1) stores its start after the takeover's run (delivery 2) read the job QUEUED.
        Job stalledStart = queued.deliveredAs(1).withState(JobState.RUNNING, "Starting...", Instant.now());

        assertThat(runAsStartedMeanwhile(queued, stalledStart, 2))
                .as("not CANCELLED: giving way would leave the job RUNNING with no run").isEqualTo(JobState.COMPLETED);

        Job stored = stored(queued);
        assertThat(stored.state()).isEqualTo(JobState.COMPLETED);
        assertThat(stored.delivery()).isEqualTo(2);
        Job earlier = queued.withState(JobState.CANCELLED, "Cancelled.", Instant.now());
        assertThat(jobs.transition(JobState.RUNNING, earlier.deliveredAs(1)).block(WAIT))
                .as("the stalled run is fenced out").isFalse();
    }

    @Test
    void aRunDoesNotTakeAJobStartedByALaterDeliveryOrAnotherAttempt() {
        Job queued = queuedJob();
        Job laterDelivery = queued.deliveredAs(3).withState(JobState.RUNNING, "Starting...", Instant.now());
        assertThat(runAsStartedMeanwhile(queued, laterDelivery, 2)).as("gives way").isEqualTo(JobState.CANCELLED);
        assertThat(stored(queued)).isEqualTo(laterDelivery);

        Job other = queuedJob();
        Job nextAttempt = other.withState(JobState.FAILED, "Failed.", Instant.now()).retried(Instant.now())
                .deliveredAs(1).withState(JobState.RUNNING, "Starting...", Instant.now());
        assertThat(runAsStartedMeanwhile(other, nextAttempt, 5)).as("gives way").isEqualTo(JobState.CANCELLED);
        assertThat(stored(other)).isEqualTo(nextAttempt);
    }

    // Run delivery `delivery` of a QUEUED job whose start `started` is stored after this run read the job.
    private JobState runAsStartedMeanwhile(Job queued, Job started, int delivery) {
        JobRunner runner = runner(beforeResults(jobs, Mono.defer(() -> jobs.transition(JobState.QUEUED, started))
                .then()), events);
        return runner.run(delivery(queued, delivery), Mono.never()).block(WAIT);
    }

    @Test
    void anEntryOfAnEarlierAttemptLeftPendingDoesNotRunTheJob() {
        Job queued = queuedJob();
        Job retried = queued.withState(JobState.FAILED, "Failed.", Instant.now()).retried(Instant.now());
        jobs.save(retried).block(WAIT);
        JobRunner runner = runner(jobs, events);

        StepVerifier.create(runner.run(new QueuedJob(queued.id(), queued.tenant(), queued.priority(),
                        queued.createdAt(), 1, 2), Mono.never()))
                .expectNext(JobState.CANCELLED) // gives way: the entry is acknowledged
                .expectComplete()
                .verify(WAIT);

        assertThat(stored(queued)).as("left for its own entry (attempt 2)").isEqualTo(retried);
        assertThat(log.last(EventPublisher.jobStream(queued.id())).blockOptional(WAIT)).as("no event").isEmpty();
    }

    @Test
    void aCancelThatReachesTheStalledRunAfterTheJobWasRetriedLeavesTheNewAttempt() throws Exception {
        Sinks.One<JobState> cancelFirst = Sinks.one();
        Takeover t = new Takeover(null, cancelFirst.asMono());
        // The run that took the job over ended it, and its user retried it (attempt 2), before the cancel arrived.
        Job held = stored(t.queued);
        Job failed = held.withState(JobState.FAILED, "Failed.", Instant.now()).deliveredAs(0);
        assertThat(jobs.transition(JobState.RUNNING, failed).block(WAIT)).isTrue();
        Job retried = failed.retried(Instant.now());
        assertThat(jobs.transition(JobState.FAILED, retried).block(WAIT)).isTrue();

        cancelFirst.tryEmitValue(JobState.CANCELLED);
        t.resumeFirst.tryEmitEmpty();
        assertThat(t.firstRun.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(JobState.CANCELLED);
        assertThat(stored(t.queued)).as("the retry is not cancelled by the old run").isEqualTo(retried);
        t.resumeSecond.tryEmitEmpty();
        assertThat(t.secondRun.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(JobState.CANCELLED);
        assertThat(stored(t.queued)).isEqualTo(retried);
    }

    @Test
    void aDeadLetterOfAnEarlierAttemptLeavesTheJobsCurrentOne() {
        Job queued = queuedJob();
        Job retried = queued.withState(JobState.FAILED, "Failed.", Instant.now()).retried(Instant.now());
        jobs.save(retried).block(WAIT);

        service.deadLettered(new QueuedJob(queued.id(), queued.tenant(), queued.priority(), queued.createdAt(), 1, 4))
                .block(WAIT);
        assertThat(stored(queued)).isEqualTo(retried);
        service.deadLettered(new QueuedJob(queued.id(), queued.tenant(), queued.priority(), queued.createdAt(), 2, 4))
                .block(WAIT);
        assertThat(stored(queued).state()).isEqualTo(JobState.FAILED);
    }

    /**
     * Two runs of one queued job on the service's store, each on its own delivery of the entry, each held at its
     * second move: the first stored its start, then its replica stalled; the second took the entry over and stored
     * its own start.
     */
    private final class Takeover {

        final Job queued = queuedJob();
        final Sinks.Empty<Void> resumeFirst = Sinks.empty();
        final Sinks.Empty<Void> resumeSecond = Sinks.empty();
        final Queue<EventType> byFirst = new ConcurrentLinkedQueue<>();
        final Queue<EventType> bySecond = new ConcurrentLinkedQueue<>();
        final CompletableFuture<JobState> firstRun;
        final CompletableFuture<JobState> secondRun;

        Takeover(@Nullable RuntimeException firstFails, Mono<JobState> firstStop) {
            JobRunner first = runner(jobs, new EventPublisher(log, heldAtSecondMove(resumeFirst.asMono(), firstFails,
                    byFirst)));
            JobRunner second = runner(jobs, new EventPublisher(log, heldAtSecondMove(resumeSecond.asMono(), null,
                    bySecond)));
            firstRun = first.run(delivery(queued, 1), firstStop).toFuture();
            await().atMost(WAIT).until(() -> stored(queued).state() == JobState.RUNNING);
            secondRun = second.run(delivery(queued, 2), Mono.never()).toFuture();
            await().atMost(WAIT).until(() -> stored(queued).delivery() == 2);
        }
    }

    /**
     * The service's moves, recording the type of each event stored; the second waits for {@code resume}, then fails
     * with {@code failure} when given (a crash of the run there) or goes on.
     */
    private JobMoves heldAtSecondMove(Mono<Void> resume, @Nullable RuntimeException failure, Queue<EventType> stored) {
        JobMoves moves = JobMoves.sequential(jobs, log);
        AtomicInteger calls = new AtomicInteger();
        return (from, next, checkpoint, stream, alsoTo, event) -> {
            Mono<Optional<JobEvent>> move = moves.move(from, next, checkpoint, stream,
                    alsoTo, event).doOnNext(done -> done.ifPresent(e -> stored.add(e.type())));
            if (calls.incrementAndGet() != 2) {
                return move;
            }
            return resume.then(failure == null ? move : Mono.error(failure));
        };
    }

    private Job stored(Job job) {
        return jobs.findById(job.id()).block(WAIT);
    }

    private static QueuedJob delivery(Job job, int n) {
        return new QueuedJob(job.id(), job.tenant(), job.priority(), job.createdAt(), job.attempt(), n);
    }

    private static Supplier<RuntimeException> unreadable() {
        return () -> new IllegalStateException("checkpoints unreadable");
    }

    private Job queuedJob() {
        String session = "crash-" + UUID.randomUUID();
        sessions.save(new Session(session, "default", "T", SessionText.inline("Notes."), null, List.of(),
                Instant.now())).block(WAIT);
        Job queued = Job.queued("crash-" + UUID.randomUUID(), "default", session, null, Priority.INTERACTIVE,
                Set.of(StageName.SUMMARY), Instant.now());
        jobs.save(queued).block(WAIT);
        return queued;
    }

    private static QueuedJob queuedEntry(Job job) {
        return new QueuedJob(job.id(), job.tenant(), job.priority(), job.createdAt());
    }

    private JobRunner runner(JobRepository store, EventPublisher publisher) {
        return new JobRunner(store, sessions, pipeline, publisher, durations, Clock.systemUTC(),
                Duration.ofMillis(250), metrics, null);
    }

    /** The service's job store, where reading a job's checkpoints first runs {@code before}. */
    private static JobRepository beforeResults(JobRepository store, Mono<Void> before) {
        return (JobRepository) Proxy.newProxyInstance(JobRepository.class.getClassLoader(),
                new Class<?>[] {JobRepository.class}, (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(store, args);
                        return method.getName().equals("results") ? before.then((Mono<?>) result) : result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * The service's job store, whose checkpoints cannot be read: reading them first runs {@code before}, then fails
     * with what {@code failure} makes; every other call goes to {@code store} (a proxy: one call differs).
     */
    private static JobRepository faulty(JobRepository store, Supplier<RuntimeException> failure, Mono<Void> before) {
        return (JobRepository) Proxy.newProxyInstance(JobRepository.class.getClassLoader(),
                new Class<?>[] {JobRepository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("results")) {
                        return before.then(Mono.error(failure));
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
