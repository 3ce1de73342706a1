package dev.enrich.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class TicksTest {

    private static final Duration HOUR = Duration.ofHours(1);

    // A plain JDK thread (not one of Reactor's non-blocking ones): the step under test waits on a latch.
    private final Scheduler timer = Schedulers.fromExecutorService(Executors.newSingleThreadScheduledExecutor(),
            "ticks-test");

    @AfterEach
    void stop() {
        timer.dispose();
    }

    @Test
    void aStopFromAnotherThreadLetsTheRunningStepEndWithoutAnInterrupt() throws InterruptedException {
        Outcome outcome = stopWhileAStepRuns(step -> Ticks.every(Duration.ZERO, HOUR, timer).concatMap(step));

        assertThat(outcome.interrupted()).as("the step was interrupted").isFalse();
    }

    /** Why Ticks exists: a plain interval's step runs in the timer's task, which a stop interrupts. */
    @Test
    void aPlainIntervalsStopInterruptsItsRunningStep() throws InterruptedException {
        Outcome outcome = stopWhileAStepRuns(step -> Flux.interval(Duration.ZERO, HOUR, timer).concatMap(step));

        assertThat(outcome.interrupted()).as("the step was interrupted").isTrue();
    }

    /**
     * What needs no Ticks: a one-shot delay (a held wait's queueing, a retry's backoff) marks its tick sent before it
     * emits it, and a stop then leaves its task alone.
     */
    @Test
    void aStopFromAnotherThreadLetsAStepAfterADelayEndWithoutAnInterrupt() throws InterruptedException {
        Outcome outcome = stopWhileAStepRuns(step -> Mono.delay(Duration.ZERO, timer).flatMap(step).flux());

        assertThat(outcome.interrupted()).as("the step was interrupted").isFalse();
    }

    @Test
    void ticksThatComeWhileAStepRunsAreDropped() {
        StepVerifier.withVirtualTime(() -> {
                    Scheduler virtual = VirtualTimeScheduler.get();
                    return Ticks.every(Duration.ZERO, Duration.ofSeconds(1), virtual)
                            .concatMap(tick -> Mono.delay(Duration.ofMillis(3500), virtual).thenReturn(tick));
                })
                .thenAwait(Duration.ofMillis(3500))
                .expectNext(0L)
                // Ticks 1 to 3 came while the first step ran; the next step starts at the next tick, 4 s.
                .thenAwait(Duration.ofMillis(500))
                .expectNoEvent(Duration.ofMillis(3499))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(4L)
                .thenAwait(Duration.ofMillis(4000))
                .expectNext(8L)
                .thenCancel()
                .verify();
    }

    private record Outcome(boolean interrupted) {}

    // Subscribe the ticks with a step that waits until released, stop them from this thread while the first runs,
    // then release it and tell whether it was interrupted.
    private Outcome stopWhileAStepRuns(Function<Function<Long, Mono<Boolean>>, Flux<Boolean>> ticks)
            throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Function<Long, Mono<Boolean>> step = tick -> Mono.fromCallable(() -> {
            entered.countDown();
            try {
                released.await();
                interrupted.complete(Thread.currentThread().isInterrupted());
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
            return true;
        });
        Disposable running = ticks.apply(step).subscribe();
        assertThat(entered.await(1, TimeUnit.MINUTES)).as("a step started").isTrue();
        running.dispose();
        released.countDown();
        await("the step's end").until(interrupted::isDone);
        return new Outcome(interrupted.join());
    }
}
