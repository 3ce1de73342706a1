package dev.enrich.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.reactive.CancelLatch;
import dev.enrich.testing.ScriptedStages;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Stages that hang or spin are stopped: past the stall timeout or the time budget (on virtual time) the stage's
 * thread is interrupted, the stage ends FAILED with a friendly message, and its thread serves the next run.
 */
class StageWatchTest {

    private static final StageLimits LIMITS =
            new StageLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), 2, Duration.ofSeconds(5));

    private final ScriptedStages stages = new ScriptedStages();
    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    // The production kind of stage scheduler, with one thread: a run left blocked on it would starve the next one.
    private final Scheduler scheduler = Schedulers.newBoundedElastic(1, 100, "enrich-stage-watch-test");
    private final AtomicInteger entered = new AtomicInteger();
    private final AtomicInteger interrupted = new AtomicInteger();
    private final List<PipelineSignal> signals = new CopyOnWriteArrayList<>();
    private Disposable run = () -> {};

    @AfterEach
    void dispose() {
        run.dispose();
        scheduler.dispose();
        time.dispose();
    }

    @Test
    void stageBlockedForeverIsInterruptedRetriedOnceThenFails() {
        stages.script(StageName.AUDIO, ctx -> Mono.<StageUpdate>fromCallable(() -> {
            entered.incrementAndGet();
            try {
                new LinkedBlockingQueue<String>().take(); // a decoder waiting for bytes that never come
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
            throw new AssertionError("unreachable");
        }).flux());

        StageResult result = runUntilFinished(watched((stage, length) -> Optional.empty()));

        assertThat(result.state()).isEqualTo(StageState.FAILED);
        assertThat(result.message()).isEqualTo("Couldn't analyze the audio: it stopped responding.");
        assertThat(stages.started(StageName.AUDIO)).as("a stall is transient: tried once more").isEqualTo(2);
        await().untilAsserted(() -> assertThat(interrupted).hasValue(2));
        assertNextRunSucceeds();
    }

    @Test
    void eachRunEndedByItsStallTripsItsOwnLatchBeforeTheNextRunStarts() {
        // The AI calls of a run find its latch in their context (CancelLatch): a stall must end them even where the
        // stage's own operators lost the stall's cancel (reactor-core issue 4398).
        List<CancelLatch> latches = new CopyOnWriteArrayList<>();
        AtomicBoolean firstEndedFirst = new AtomicBoolean();
        stages.script(StageName.AUDIO, ctx -> Flux.deferContextual(context -> {
            if (!latches.isEmpty()) {
                firstEndedFirst.set(latches.get(0).isCancelled());
            }
            latches.add(context.get(CancelLatch.class));
            entered.incrementAndGet();
            return Flux.<StageUpdate>never();
        }));

        StageResult result = runUntilFinished(watched((stage, length) -> Optional.empty()));

        assertThat(result.state()).isEqualTo(StageState.FAILED);
        assertThat(latches).hasSize(2).doesNotHaveDuplicates().allMatch(CancelLatch::isCancelled);
        assertThat(firstEndedFirst).as("the stalled run's latch tripped before the second run").isTrue();
    }

    @Test
    void stageSpinningTheCpuIsInterruptedAndFails() {
        stages.script(StageName.AUDIO, ctx -> Mono.<StageUpdate>fromCallable(() -> {
            entered.incrementAndGet();
            long spins = 0;
            while (!Thread.interrupted()) {
                spins++; // a decoder stuck in a loop, checking only for interruption
            }
            interrupted.incrementAndGet();
            throw new InterruptedException("stopped after " + spins + " spins");
        }).flux());

        StageResult result = runUntilFinished(watched((stage, length) -> Optional.empty()));

        assertThat(result.state()).isEqualTo(StageState.FAILED);
        assertThat(result.message()).isEqualTo("Couldn't analyze the audio: it stopped responding.");
        await().untilAsserted(() -> assertThat(interrupted).hasValue(2));
        assertNextRunSucceeds();
    }

    @Test
    void stageThatKeepsTickingIsStoppedAtItsBudgetScaledFromTheLearnedDuration() {
        // Progress every second, never done: no stall, only the budget stops it.
        stages.script(StageName.AUDIO, ctx -> Flux.interval(Duration.ofSeconds(1), time)
                .onBackpressureLatest()
                .doOnSubscribe(s -> entered.incrementAndGet())
                .map(i -> StageUpdate.progress(0.5, "Analyzing audio...")));
        // Expected 20 s, factor 2: a 40 s budget, between the 10 s floor and the 60 s cap.
        Pipeline pipeline = watched((stage, length) -> Optional.of(Duration.ofSeconds(20)));
        run = pipeline.run("j", PipelineTest.session(true, false, false), EnumSet.of(StageName.AUDIO), Map.of())
                .subscribe(signals::add);
        await().untilAsserted(() -> assertThat(entered).hasValue(1));

        tick(39);
        assertThat(finished()).as("still within its 40 s budget").isEmpty();
        tick(2);

        await().untilAsserted(() -> assertThat(finished()).isPresent());
        StageResult result = finished().orElseThrow();
        assertThat(result.state()).isEqualTo(StageState.FAILED);
        assertThat(result.message()).isEqualTo("Couldn't analyze the audio: it took too long.");
        assertThat(stages.started(StageName.AUDIO)).as("running past the budget is not retried").isEqualTo(1);
    }

    @Test
    void budgetIsTheFactorTimesTheExpectedDurationKeptBetweenFloorAndCap() {
        assertThat(LIMITS.budget(Optional.of(Duration.ofSeconds(20)))).isEqualTo(Duration.ofSeconds(40));
        assertThat(LIMITS.budget(Optional.of(Duration.ofSeconds(1)))).isEqualTo(Duration.ofSeconds(10));
        assertThat(LIMITS.budget(Optional.of(Duration.ofHours(1)))).isEqualTo(Duration.ofSeconds(60));
        assertThat(LIMITS.budget(Optional.empty())).as("never seen: the cap").isEqualTo(Duration.ofSeconds(60));
    }

    private Pipeline watched(java.util.function.BiFunction<StageName, Duration, Optional<Duration>> expected) {
        return new Pipeline(stages.registry(), scheduler, new PipelineTest.NoMedia(), LIMITS, expected, time);
    }

    /** Run the audio stage, letting virtual time pass once each attempt has started, until it finishes. */
    private StageResult runUntilFinished(Pipeline pipeline) {
        run = pipeline.run("j", PipelineTest.session(true, false, false), EnumSet.of(StageName.AUDIO), Map.of())
                .subscribe(signals::add);
        for (int attempt = 1; attempt <= 2; attempt++) {
            int n = attempt;
            await().untilAsserted(() -> assertThat(entered).hasValue(n));
            advance(LIMITS.stallTimeout());
        }
        await().untilAsserted(() -> assertThat(finished()).isPresent());
        assertThat(time.now(TimeUnit.SECONDS)).as("stopped by the stall timer, before the budget")
                .isLessThan(LIMITS.cap().toSeconds());
        return finished().orElseThrow();
    }

    /** Let virtual time pass a second at a time, as a ticking stage would see it. */
    private void advance(Duration by) {
        for (long s = 0; s < by.toSeconds(); s++) {
            time.advanceTimeBy(Duration.ofSeconds(1));
        }
    }

    /**
     * Let virtual time pass a second at a time, waiting after each for the stage's tick to come through (requests
     * reach the stage on its own thread), so the stall timer sees a stage that really keeps ticking.
     */
    private void tick(int seconds) {
        for (int s = 0; s < seconds; s++) {
            long before = progressed();
            time.advanceTimeBy(Duration.ofSeconds(1));
            await().pollInterval(Duration.ofMillis(5)).until(() -> progressed() > before || finished().isPresent());
        }
    }

    private long progressed() {
        return signals.stream().filter(PipelineSignal.Progressed.class::isInstance).count();
    }

    private Optional<StageResult> finished() {
        return signals.stream().filter(PipelineSignal.Finished.class::isInstance)
                .map(s -> ((PipelineSignal.Finished) s).result()).findFirst();
    }

    /** The one stage thread is free again: a next run on it succeeds. */
    private void assertNextRunSucceeds() {
        stages.reset();
        List<PipelineSignal> next = new Pipeline(stages.registry(), scheduler, new PipelineTest.NoMedia())
                .run("j2", PipelineTest.session(true, false, false), EnumSet.of(StageName.AUDIO), Map.of())
                .collectList()
                .block(Duration.ofSeconds(30));
        assertThat(next).last().isInstanceOfSatisfying(PipelineSignal.Finished.class,
                f -> assertThat(f.result().state()).isEqualTo(StageState.SUCCEEDED));
    }
}
