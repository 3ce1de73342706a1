package dev.enrich.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.reactive.CancelLatch;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import dev.enrich.testing.LogCapture;
import dev.enrich.testing.Outputs;
import dev.enrich.testing.ScriptedStages;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;

class PipelineTest {

    private final ScriptedStages stages = new ScriptedStages();
    private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 100, "enrich-stage-test");
    private final Pipeline pipeline = new Pipeline(stages.registry(), scheduler, new NoMedia());

    @AfterEach
    void dispose() {
        scheduler.dispose();
    }

    @Test
    void audioAndVideoRunInParallel() {
        Sinks.One<Boolean> videoStarted = Sinks.one();
        Sinks.One<Boolean> audioStarted = Sinks.one();
        // Each finishes only once the other has started: a sequential pipeline would never finish.
        stages.script(StageName.AUDIO, ctx -> Mono.fromRunnable(() -> audioStarted.tryEmitValue(true))
                .then(videoStarted.asMono())
                .thenMany(ScriptedStages.ticks(StageName.AUDIO, 1, Duration.ofMillis(1))));
        stages.script(StageName.VIDEO, ctx -> Mono.fromRunnable(() -> videoStarted.tryEmitValue(true))
                .then(audioStarted.asMono())
                .thenMany(ScriptedStages.ticks(StageName.VIDEO, 1, Duration.ofMillis(1))));

        StepVerifier.create(pipeline.run("j", session(true, true, true), EnumSet.of(StageName.AUDIO,
                        StageName.VIDEO), Map.of()).filter(PipelineSignal.Finished.class::isInstance))
                .expectNextCount(2)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void dependantsStartOnlyAfterEveryRequestedDependencyFinished() {
        stages.script(StageName.VIDEO, ctx -> ScriptedStages.ticks(StageName.VIDEO, 5, Duration.ofMillis(10)));
        List<String> order = pipeline.run("j", session(true, true, true), EnumSet.allOf(StageName.class), Map.of())
                .map(PipelineTest::describe)
                .collectList()
                .block(Duration.ofSeconds(5));

        assertThat(order).containsSubsequence("finished:audio", "started:summary")
                .containsSubsequence("finished:video", "started:summary")
                .containsSubsequence("finished:summary", "started:canvas")
                .endsWith("finished:canvas");
        assertThat(order.stream().filter(s -> s.startsWith("finished:"))).hasSize(4);
    }

    @Test
    void stageWithMissingInputIsSkippedNotFailedAndTheRestGoesOn() {
        Map<StageName, StageResult> results = results(session(true, false, true), EnumSet.allOf(StageName.class));

        assertThat(results.get(StageName.VIDEO).state()).isEqualTo(StageState.SKIPPED);
        assertThat(results.get(StageName.VIDEO).message()).isEqualTo("No video or screenshots in this session.");
        assertThat(results.get(StageName.AUDIO).state()).isEqualTo(StageState.SUCCEEDED);
        assertThat(results.get(StageName.SUMMARY).state()).isEqualTo(StageState.SUCCEEDED);
        assertThat(results.get(StageName.CANVAS).state()).isEqualTo(StageState.SUCCEEDED);
        assertThat(stages.started(StageName.VIDEO)).isZero();
    }

    @Test
    void runsOnlyTheRequestedSubset() {
        Map<StageName, StageResult> results = results(session(true, true, true),
                EnumSet.of(StageName.AUDIO, StageName.SUMMARY));

        assertThat(results).containsOnlyKeys(StageName.AUDIO, StageName.SUMMARY);
        assertThat(stages.started(StageName.VIDEO)).isZero();
        assertThat(stages.started(StageName.CANVAS)).isZero();
    }

    @Test
    void summaryAloneRunsWithoutWaitingForUnrequestedStages() {
        Map<StageName, StageResult> results = results(session(false, false, true), EnumSet.of(StageName.SUMMARY));

        assertThat(results.get(StageName.SUMMARY).state()).isEqualTo(StageState.SUCCEEDED);
    }

    @Test
    void failingStageFailsAloneWithAFriendlyMessage() {
        stages.script(StageName.AUDIO, ctx -> Flux.error(new IllegalStateException("decoder exploded at 0x3f")));

        Map<StageName, StageResult> results = results(session(true, true, true), EnumSet.allOf(StageName.class));

        assertThat(results.get(StageName.AUDIO).state()).isEqualTo(StageState.FAILED);
        assertThat(results.get(StageName.AUDIO).message()).isEqualTo("Couldn't analyze the audio.");
        assertThat(results.get(StageName.VIDEO).state()).isEqualTo(StageState.SUCCEEDED);
        assertThat(results.get(StageName.SUMMARY).state()).isEqualTo(StageState.SUCCEEDED);
    }

    @Test
    void stageLosingAResourceToTheShutdownIsInterruptedNotFailed() {
        // What the JVM throws when a stage first touches something that registers a shutdown hook (e.g. ImageIO's
        // file cache) while the shutdown drain runs.
        stages.script(StageName.VIDEO, ctx -> Flux.error(new UncheckedIOException(
                new IOException("thumbnail", new IllegalStateException("Shutdown in progress")))));

        StepVerifier.create(pipeline.run("j", session(false, true, false), EnumSet.of(StageName.VIDEO), Map.of())
                        .filter(PipelineSignal.Finished.class::isInstance))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(StageInterruptedException.class,
                        interrupted -> assertThat(interrupted.stage()).isEqualTo(StageName.VIDEO)))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void stageRejectedByADisposedSchedulerIsInterruptedButARejectionFromALiveOneFails() {
        stages.script(StageName.VIDEO, ctx -> Flux.error(new RejectedExecutionException("full")));

        assertThat(results(session(false, true, false), EnumSet.of(StageName.VIDEO)).get(StageName.VIDEO).state())
                .isEqualTo(StageState.FAILED);
        scheduler.dispose();
        assertThat(pipeline.takenByShutdown(new RejectedExecutionException("disposed")))
                .isTrue();
    }

    @Test
    void stageEndingWithoutAResultFails() {
        stages.script(StageName.AUDIO, ctx -> Flux.just(StageUpdate.progress(0.5, "Analyzing audio...")));

        assertThat(results(session(true, false, false), EnumSet.of(StageName.AUDIO)).get(StageName.AUDIO).state())
                .isEqualTo(StageState.FAILED);
    }

    @Test
    void cancellingStopsRunningStages() {
        AtomicBoolean cancelled = new AtomicBoolean();
        stages.script(StageName.AUDIO, ctx -> ScriptedStages.forever(StageName.AUDIO, Duration.ofMillis(5))
                .doOnCancel(() -> cancelled.set(true)));

        StepVerifier.create(pipeline.run("j", session(true, false, false), EnumSet.of(StageName.AUDIO), Map.of()))
                .expectNextMatches(s -> s instanceof PipelineSignal.Started)
                .expectNextMatches(s -> s instanceof PipelineSignal.Progressed)
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        // The merge hands a cancel that meets another thread's drain to that thread: the stage's cancel can come
        // just after verify returns.
        await().atMost(Duration.ofSeconds(5)).untilTrue(cancelled);
        await().atMost(Duration.ofSeconds(5)).until(() -> stages.active() == 0);
    }

    @Test
    void checkpointedStagesAreNotRunAgain() {
        StageResult kept = StageResult.succeeded(StageName.AUDIO, Outputs.of(StageName.AUDIO));

        Map<StageName, StageResult> results = pipeline.run("j", session(true, false, true),
                        EnumSet.of(StageName.AUDIO, StageName.SUMMARY), Map.of(StageName.AUDIO, kept))
                .ofType(PipelineSignal.Finished.class)
                .collectMap(PipelineSignal.Finished::stage, PipelineSignal.Finished::result)
                .block(Duration.ofSeconds(5));

        assertThat(results.get(StageName.AUDIO)).isSameAs(kept);
        assertThat(stages.started(StageName.AUDIO)).isZero();
        assertThat(stages.started(StageName.SUMMARY)).isEqualTo(1);
    }

    @Test
    void stagesRunOnTheBoundedStageSchedulerNotTheCallersThread() {
        List<String> threads = new ArrayList<>();
        stages.script(StageName.AUDIO, ctx -> {
            threads.add(Thread.currentThread().getName());
            return ScriptedStages.ticks(StageName.AUDIO, 1, Duration.ofMillis(1));
        });

        results(session(true, false, false), EnumSet.of(StageName.AUDIO));

        assertThat(threads).singleElement().asString().startsWith("enrich-stage-test");
    }

    @Test
    void progressIsClampedToZeroToOne() {
        stages.script(StageName.AUDIO, ctx -> Flux.just(StageUpdate.progress(7, "x"), StageUpdate.progress(-1, "y"),
                StageUpdate.done(StageResult.succeeded(StageName.AUDIO, Outputs.of(StageName.AUDIO)))));

        List<Double> fractions = pipeline.run("j", session(true, false, false), EnumSet.of(StageName.AUDIO), Map.of())
                .ofType(PipelineSignal.Progressed.class)
                .map(PipelineSignal.Progressed::fraction)
                .collectList()
                .block(Duration.ofSeconds(5));

        assertThat(fractions).containsExactly(1.0, 0.0);
    }

    private Map<StageName, StageResult> results(Session session, Set<StageName> requested) {
        return pipeline.run("j", session, requested, Map.of())
                .ofType(PipelineSignal.Finished.class)
                .collectMap(PipelineSignal.Finished::stage, PipelineSignal.Finished::result)
                .block(Duration.ofSeconds(5));
    }

    @Test
    void retryNoticesFromInsideAStageAreSignalsOfThatStageInOrder() {
        // What the resilience layer does around an AI call: announce from inside the stage's flux, via its context.
        Mono<Void> failingTwice = Flux.range(2, 2)
                .concatMap(attempt -> Mono.deferContextual(ctx -> {
                    RetryNotices.current(ctx).retrying("ai-chat", attempt, 5, Duration.ofMillis(attempt));
                    return Mono.delay(Duration.ofMillis(attempt), scheduler);
                }))
                .then();
        stages.script(StageName.SUMMARY, ctx -> Flux.concat(
                Mono.just(StageUpdate.progress(0.5, "Writing summary...")),
                failingTwice.then(Mono.just(StageUpdate.done(StageResult.succeeded(StageName.SUMMARY, Outputs.of(StageName.SUMMARY)))))));

        List<String> order = pipeline.run("j", session(false, false, true), EnumSet.of(StageName.SUMMARY), Map.of())
                .map(PipelineTest::describe)
                .collectList()
                .block(Duration.ofSeconds(5));

        assertThat(order).containsExactly("started:summary", "progress:summary", "retrying2:summary",
                "retrying3:summary", "finished:summary");
    }

    @Test
    void cancellingAStageTripsTheLatchItsCallsSeeAndEndsACallStartedAfterTheCancel() {
        // What the resilience layer does around an AI call: guard it with the latch in the stage's context.
        CompletableFuture<CancelLatch> seen = new CompletableFuture<>();
        PublisherProbe<StageUpdate> call = PublisherProbe.of(Mono.never());
        stages.script(StageName.SUMMARY, ctx -> Flux.concat(
                Mono.deferContextual(context -> {
                    seen.complete(context.get(CancelLatch.class));
                    return Mono.just(StageUpdate.progress(0.5, "Writing summary..."));
                }),
                CancelLatch.guardInContext(call.mono())));

        try (LogCapture logged = new LogCapture(Pipeline.class)) {
            StepVerifier.create(pipeline.run("j", session(false, false, true), EnumSet.of(StageName.SUMMARY),
                            Map.of()).map(PipelineTest::describe))
                    .expectNext("started:summary", "progress:summary")
                    .then(() -> await().atMost(Duration.ofSeconds(30)).until(call::wasSubscribed))
                    .thenCancel()
                    .verify(Duration.ofSeconds(30));
            // Tripped after the cancel went up: the run is cancelled, not ended empty (which made a "stage failed").
            assertThat(logged.lines()).noneMatch(line -> line.startsWith("stage failed"));
        }
        CancelLatch latch = seen.join();
        assertThat(latch.isCancelled()).as("the stage's latch tripped by its cancel").isTrue();
        await().atMost(Duration.ofSeconds(30)).until(call::wasCancelled);
        // A call that a lost cancel would let start now (reactor-core issue 4398) never starts.
        PublisherProbe<String> late = PublisherProbe.of(Mono.never());
        StepVerifier.create(CancelLatch.guardInContext(late.mono()).contextWrite(CancelLatch.in(latch)))
                .verifyComplete();
        late.assertWasNotSubscribed();
    }

    @Test
    void outsideAStageRetryNoticesGoNowhere() {
        StepVerifier.create(Mono.deferContextual(ctx -> Mono.just(RetryNotices.current(ctx))))
                .expectNext(RetryNotices.NONE)
                .verifyComplete();
    }

    private static String describe(PipelineSignal s) {
        String kind = s instanceof PipelineSignal.Started ? "started"
                : s instanceof PipelineSignal.Finished ? "finished"
                : s instanceof PipelineSignal.Retrying r ? "retrying" + r.attempt() : "progress";
        return kind + ":" + s.stage().id();
    }

    static Session session(boolean audio, boolean video, boolean notes) {
        List<MediaRef> media = new ArrayList<>();
        if (audio) {
            media.add(new MediaRef(MediaKind.AUDIO, "a", 1, "audio/wav", "a.wav"));
        }
        if (video) {
            media.add(new MediaRef(MediaKind.VIDEO, "v", 1, "video/mp4", "v.mp4"));
        }
        return new Session("s", "t", "Title", notes ? SessionText.inline("Some notes. More notes.") : null, null,
                media, Instant.now());
    }

    /** Scripted stages never read media. */
    static final class NoMedia implements MediaStore {
        @Override
        public Mono<Stored> store(String tenant, String sessionId, Flux<DataBuffer> content, long maxBytes) {
            return Mono.error(new UnsupportedOperationException());
        }

        @Override
        public InputStream open(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Mono<Void> deleteSession(String tenant, String sessionId) {
            return Mono.empty();
        }
    }
}
