package dev.enrich.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiException;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatReply;
import dev.enrich.ai.ChatRequest;
import dev.enrich.ai.Transcription;
import dev.enrich.config.ResilienceProperties;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Cancel half-open probes in every way fan-out does (zip disposed, zip cancelling a sibling after an error, flatMap
 * cancelling after a refused call, cancellation racing an asynchronous subscription) and check that the breaker
 * always lets probes through again and can close: a cancelled probe must give its permission back.
 */
class HalfOpenCancellationTest {

    private static final int CYCLES = 1_000;

    private final GateProvider service = new GateProvider();
    private final Dependencies dependencies = new Dependencies(TestSettings.fiveInARow()
            .withRetry(new ResilienceProperties.Retry(0, Duration.ofSeconds(1), Duration.ofSeconds(10), 0.5,
                    Duration.ofSeconds(10))), new SimpleMeterRegistry(), Clock.systemUTC());
    private final ResilientAiProvider provider = new ResilientAiProvider(service, dependencies);
    private final CircuitBreaker breaker = dependencies.breaker(Dependencies.AI_CHAT);

    @Test
    void cancelledHalfOpenProbesNeverLeaveTheBreakerStuck() {
        int[] closed = new int[4];
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            breaker.transitionToOpenState();
            breaker.transitionToHalfOpenState();
            int variant = cycle % 4;
            switch (variant) {
                case 0 -> zipDisposed();
                case 1 -> zipCancelsSiblingAfterError();
                case 2 -> flatMapCancelsAfterRefusal();
                default -> cancellationRacesAsyncSubscription();
            }
            // Liveness, not speed: cancellation reaches the call on another thread, which a loaded suite can delay.
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(30))
                    .alias("calls of cycle " + cycle + " variant " + variant + " ended")
                    .until(() -> service.inFlight.get() == 0);

            // Not stuck: successful probes are let through until the breaker decides.
            service.behaviour = () -> Mono.just(ScriptedAiProvider.OK);
            for (int probe = 0; probe < 2 && breaker.getState() == CircuitBreaker.State.HALF_OPEN; probe++) {
                String step = String.format("cycle %d variant %d probe %d", cycle, variant, probe);
                // A cancelled probe may hand its permission back a moment after the cancel returns (another
                // thread); stuck would mean never. Refused calls record nothing, so asking again is harmless.
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(2))
                        .untilAsserted(() -> StepVerifier.create(provider.chat(ResilientAiProviderTest.CALL,
                                        ResilientAiProviderTest.HELLO))
                                .as(step)
                                .expectNext(ScriptedAiProvider.OK)
                                .expectComplete().verify(Duration.ofSeconds(5)));
            }
            assertThat(breaker.getState()).as("cycle %d variant %d", cycle, variant)
                    .isIn(CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN);
            if (breaker.getState() == CircuitBreaker.State.CLOSED) {
                closed[variant]++;
            }
        }
        // Where nothing failed, the probes after the cancellation close the breaker every time.
        assertThat(closed[0]).isEqualTo(CYCLES / 4);
        assertThat(closed[2]).isEqualTo(CYCLES / 4);
        assertThat(closed[3]).isEqualTo(CYCLES / 4);
    }

    private void zipDisposed() {
        service.behaviour = Mono::never;
        Disposable both = Mono.zip(chat(), chat()).subscribe(v -> { }, e -> { });
        assertThat(service.inFlight.get()).isEqualTo(2);
        both.dispose();
    }

    private void zipCancelsSiblingAfterError() {
        service.behaviour = Mono::never;
        Mono<ChatReply> hanging = chat();
        Mono<ChatReply> failing = Mono.defer(() -> {
            service.behaviour = () -> Mono.error(new AiException(AiException.Kind.TRANSIENT, "chat failed", null,
                    null));
            return chat();
        });
        StepVerifier.create(Mono.zip(hanging, failing)).expectError(AiException.class).verify(Duration.ofSeconds(5));
    }

    private void flatMapCancelsAfterRefusal() {
        service.behaviour = Mono::never;
        StepVerifier.create(Flux.range(0, 4).flatMap(i -> chat()))
                .expectErrorSatisfies(e -> assertThat(e.getCause()).isInstanceOf(CallNotPermittedException.class))
                .verify(Duration.ofSeconds(5));
    }

    private void cancellationRacesAsyncSubscription() {
        service.behaviour = Mono::never;
        Scheduler one = Schedulers.newSingle("race-1");
        Scheduler other = Schedulers.newSingle("race-2");
        Disposable both = Mono.zip(chat().subscribeOn(one), chat().subscribeOn(other)).subscribe(v -> { }, e -> { });
        both.dispose();
        // A subscription still queued on a loaded machine would take a permit of the next cycle's half-open state:
        // let the race end here (queued tasks still run, then see the cancel).
        Mono.when(one.disposeGracefully(), other.disposeGracefully()).block(Duration.ofSeconds(30));
    }

    private Mono<ChatReply> chat() {
        return provider.chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO);
    }

    /** Behave as told, counting calls in flight. */
    private static final class GateProvider implements AiProvider {

        final AtomicInteger inFlight = new AtomicInteger();
        volatile Supplier<Mono<ChatReply>> behaviour = Mono::never;

        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public Mono<Transcription> transcribe(AiCall call, Path wav, double offsetSeconds) {
            return Mono.error(new UnsupportedOperationException());
        }

        @Override
        public Mono<ChatReply> chat(AiCall call, ChatRequest request) {
            return Mono.defer(() -> {
                inFlight.incrementAndGet();
                return behaviour.get().doFinally(signal -> inFlight.decrementAndGet());
            });
        }
    }
}
