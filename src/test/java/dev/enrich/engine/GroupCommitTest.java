package dev.enrich.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import dev.enrich.backend.local.LocalDirectoryMediaStore;
import dev.enrich.backend.memory.InMemoryEventLog;
import dev.enrich.backend.memory.InMemoryJobRepository;
import dev.enrich.backend.memory.InMemorySessionRepository;
import dev.enrich.events.EventPublisher;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.events.JobMoves;
import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.Pipeline;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.progress.DurationModel;
import dev.enrich.queue.QueuedJob;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import dev.enrich.testing.Outputs;
import dev.enrich.testing.ScriptedStages;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * A run stores its moves in order, one store at a time; the moves its signals make while a store is under way go in
 * the next store together, in one step (group commit), with every event in the order of the signals and every
 * checkpoint. Here the run's first pipeline move is held until both stages have finished.
 */
class GroupCommitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path media;

    private final InMemoryJobRepository jobs = new InMemoryJobRepository(10, 10);
    private final InMemorySessionRepository sessions = new InMemorySessionRepository(10, 10);
    private final InMemoryEventLog log = new InMemoryEventLog(100, 100, Schedulers.immediate(), Duration.ZERO);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ScriptedStages stages = new ScriptedStages();
    private final Sinks.Empty<Void> release = Sinks.empty();
    /** How many moves each store call made: 1 for a single move, the group's size for moveAll. */
    private final Queue<Integer> stores = new ConcurrentLinkedQueue<>();

    @Test
    void movesMadeWhileAStoreIsUnderWayAreStoredTogetherInTheirOrder() {
        Held held = runHeldWhileBothStagesFinish(Mono.never());
        release.tryEmitEmpty();

        assertThat(held.run.block(WAIT)).isEqualTo(JobState.COMPLETED);
        assertThat(stores).as("the start, the summary's start, the three moves made meanwhile in one step, the end")
                .containsExactly(1, 1, 3, 1);
        List<JobEvent> stream = List.copyOf(held.published);
        assertThat(stream).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(stream).extracting(JobEvent::type, JobEvent::stage).containsExactly(
                tuple(EventType.PROGRESS, null),
                tuple(EventType.STAGE, "summary"),
                tuple(EventType.STAGE, "summary"),
                tuple(EventType.STAGE, "canvas"),
                tuple(EventType.STAGE, "canvas"),
                tuple(EventType.COMPLETED, null));
        assertThat(log.lastSeq(EventPublisher.jobStream(held.job.id())).block(WAIT)).isEqualTo(6);
        assertThat(jobs.results(held.job.id()).block(WAIT)).containsOnlyKeys(StageName.SUMMARY, StageName.CANVAS);
        assertThat(jobs.findById(held.job.id()).block(WAIT).state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void aCancelToldWhileMovesWaitToBeStoredEndsTheJobWithoutThemAndKeepsTheirResults() {
        Sinks.One<JobState> stop = Sinks.one();
        Held held = runHeldWhileBothStagesFinish(stop.asMono());
        // The pipeline has ended: only the stores can hear the cancel now.
        stop.tryEmitValue(JobState.CANCELLED);
        release.tryEmitEmpty();

        assertThat(held.run.block(WAIT)).isEqualTo(JobState.CANCELLED);
        assertThat(stores).as("the start, the summary's start, the end: the moves after the cancel are not made")
                .containsExactly(1, 1, 1);
        assertThat(held.published).extracting(JobEvent::seq, JobEvent::type).containsExactly(
                tuple(1L, EventType.PROGRESS), tuple(2L, EventType.STAGE), tuple(3L, EventType.CANCELLED));
        assertThat(log.lastSeq(EventPublisher.jobStream(held.job.id())).block(WAIT)).isEqualTo(3);
        assertThat(jobs.findById(held.job.id()).block(WAIT).state()).isEqualTo(JobState.CANCELLED);
        assertThat(jobs.results(held.job.id()).block(WAIT)).as("kept for a retry")
                .containsOnlyKeys(StageName.SUMMARY, StageName.CANVAS);
    }

    /** A run, its job and what it published, held at its second move while both its stages finished. */
    private record Held(Mono<JobState> run, Job job, Queue<JobEvent> published) {}

    private Held runHeldWhileBothStagesFinish(Mono<JobState> stop) {
        for (StageName stage : List.of(StageName.SUMMARY, StageName.CANVAS)) {
            stages.script(stage, ctx -> Flux.just(StageUpdate.done(StageResult.succeeded(stage, Outputs.of(stage)))));
        }
        EventPublisher events = new EventPublisher(log, heldAtSecondMove());
        JobRunner runner = new JobRunner(jobs, sessions,
                new Pipeline(stages.registry(), Schedulers.parallel(), new LocalDirectoryMediaStore(media)), events,
                new DurationModel(0.3), Clock.systemUTC(), Duration.ofMillis(250), new JobMetrics(events, meters),
                null);
        Job queued = queuedJob();
        Queue<JobEvent> published = new ConcurrentLinkedQueue<>();
        events.published().subscribe(published::add);

        Mono<JobState> run = runner.run(new QueuedJob(queued.id(), queued.tenant(), queued.priority(), T), stop)
                .cache();
        run.subscribe();
        // Both stages have finished (the canvas' end was taken in) while the summary's start is still being stored.
        await().atMost(WAIT).until(() -> finished(StageName.CANVAS) == 1);
        assertThat(stores).as("the start, then the summary's start, held").containsExactly(1, 1);
        return new Held(run, queued, published);
    }

    // The in-memory moves, recording each store call's size; the second move waits for `release`.
    private JobMoves heldAtSecondMove() {
        JobMoves store = JobMoves.sequential(jobs, log);
        AtomicInteger calls = new AtomicInteger();
        return new JobMoves() {
            @Override
            public Mono<Optional<JobEvent>> move(JobState from, Job next, @Nullable StageResult checkpoint,
                    String stream, List<String> alsoTo, JobEvent event) {
                stores.add(1);
                Mono<Optional<JobEvent>> move = store.move(from, next, checkpoint, stream, alsoTo, event);
                return calls.incrementAndGet() == 2 ? release.asMono().then(move) : move;
            }

            @Override
            public Mono<List<JobEvent>> moveAll(JobState from, List<Step> steps, String stream,
                    List<String> alsoTo) {
                stores.add(steps.size());
                return store.moveAll(from, steps, stream, alsoTo);
            }
        };
    }

    private long finished(StageName stage) {
        Timer timer = meters.find("enrich.stage.duration").tag("stage", stage.id()).timer();
        return timer == null ? 0 : timer.count();
    }

    private Job queuedJob() {
        sessions.save(new Session("s1", "t1", "Standup", SessionText.inline("Notes of the standup."), null,
                List.of(), T)).block(WAIT);
        Job queued = Job.queued("j1", "t1", "s1", null, Priority.INTERACTIVE,
                EnumSet.of(StageName.SUMMARY, StageName.CANVAS), T);
        jobs.save(queued).block(WAIT);
        return queued;
    }
}
