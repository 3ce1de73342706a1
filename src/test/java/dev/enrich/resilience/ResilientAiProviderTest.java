package dev.enrich.resilience;

import dev.enrich.testing.MutableClock;
import static dev.enrich.resilience.ScriptedAiProvider.OK;
import static dev.enrich.resilience.ScriptedAiProvider.fail;
import static dev.enrich.resilience.ScriptedAiProvider.hang;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiException;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatRequest;
import dev.enrich.config.ResilienceProperties;
import dev.enrich.reactive.CancelLatch;
import dev.enrich.pipeline.StageName;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class ResilientAiProviderTest {

    static final AiCall CALL = new AiCall("acme", "s-1", "j-1", StageName.SUMMARY);
    static final ChatRequest HELLO = new ChatRequest(ChatRequest.Task.SUMMARY,
            List.of(ChatRequest.Message.of("user", "hi")), true, 100);

    private final ScriptedAiProvider service = new ScriptedAiProvider();
    private final RecordingListener listener = new RecordingListener();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MutableClock clock = MutableClock.at("2025-01-01T00:00:00Z");

    private Dependencies dependencies = new Dependencies(TestSettings.fiveInARow(), meters, clock);

    @Test
    void withinAStageWhoseLatchTrippedACallInFlightEndsAndALaterOneIsNeverSent() {
        service.then(hang());
        AiProvider provider = provider(() -> 0.25);
        CancelLatch stage = new CancelLatch();

        // The stage's cancel trips its latch; a cancel lost above the call (reactor-core issue 4398) is not needed.
        StepVerifier.create(provider.chat(CALL, HELLO).contextWrite(CancelLatch.in(stage)))
                .then(stage::cancel)
                .expectComplete()
                .verify(Duration.ofSeconds(30));
        assertThat(service.cancelled()).as("the call in flight cancelled").isEqualTo(1);

        StepVerifier.create(provider.chat(CALL, HELLO).contextWrite(CancelLatch.in(stage))).verifyComplete();
        assertThat(service.calls()).as("no call sent after the stage's cancel").isEqualTo(1);
        StepVerifier.create(provider.chat(CALL, HELLO)).expectNext(OK).verifyComplete();
        assertThat(dependencies.breaker(Dependencies.AI_CHAT).getMetrics().getNumberOfFailedCalls())
                .as("a call ended by its stage's cancel is no failure").isZero();
    }

    @Test
    void retriesTransientErrorsWithGrowingJitteredBackoff() {
        service.then(fail(AiException.Kind.TRANSIENT), fail(AiException.Kind.TRANSIENT),
                fail(AiException.Kind.TRANSIENT));
        // random 0.25 puts each delay a quarter of the way into its ± 50 % band: 750, 1500, 3000 ms
        AiProvider provider = provider(() -> 0.25);

        succeedsAfterExactly(provider, Duration.ofMillis(5250));

        assertThat(service.calls()).isEqualTo(4);
        assertThat(listener.heard).containsExactly(
                new RecordingListener.Retrying(Dependencies.AI_CHAT, 2, 4, Duration.ofMillis(750)),
                new RecordingListener.Retrying(Dependencies.AI_CHAT, 3, 4, Duration.ofMillis(1500)),
                new RecordingListener.Retrying(Dependencies.AI_CHAT, 4, 4, Duration.ofMillis(3000)));
        ResilienceStatus.Dependency chat = dependencies.status().dependencies().get(0);
        assertThat(chat.retriesAttempted()).isEqualTo(3);
        assertThat(chat.retriesSucceeded()).isEqualTo(1);
        assertThat(chat.retriesExhausted()).isZero();
    }

    @Test
    void retryDelaysStayWithinTheJitterBandAndUnderTheMax() {
        // Six failed attempts within one call: the breaker counts the call, so all six retries happen.
        dependencies = new Dependencies(TestSettings.fiveInARow()
                .withRetry(new ResilienceProperties.Retry(6, Duration.ofSeconds(1), Duration.ofSeconds(10), 0.5,
                        Duration.ofSeconds(10))), meters, clock);
        for (int i = 0; i < 6; i++) {
            service.then(fail(AiException.Kind.TRANSIENT));
        }
        java.util.Random random = new java.util.Random(11);
        AiProvider provider = provider(random::nextDouble);

        StepVerifier.withVirtualTime(() -> provider.chat(CALL, HELLO))
                .thenAwait(Duration.ofMinutes(2))
                .expectNext(OK)
                .expectComplete().verify(Duration.ofSeconds(5));

        long[] nominal = {1000, 2000, 4000, 8000, 10000, 10000};
        assertThat(listener.heard).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(listener.heard.get(i).attempt()).isEqualTo(i + 2);
            assertThat(listener.heard.get(i).delay().toMillis())
                    .isBetween(nominal[i] / 2, Math.min(10_000, nominal[i] * 3 / 2));
        }
    }

    @Test
    void honoursRetryAfterUpToItsCap() {
        service.then(fail(AiException.Kind.TRANSIENT, Duration.ofSeconds(7)),
                fail(AiException.Kind.TRANSIENT, Duration.ofMinutes(5)));
        AiProvider provider = provider(() -> 0.5);

        succeedsAfterExactly(provider, Duration.ofSeconds(17));

        assertThat(listener.heard).extracting(RecordingListener.Retrying::delay)
                .containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(10));
    }

    @Test
    void permanentFailuresAndExhaustedBudgetsFailAtOnce() {
        for (AiException.Kind kind : List.of(AiException.Kind.PERMANENT, AiException.Kind.BUDGET_EXHAUSTED)) {
            service.then(fail(kind));
            int before = service.calls();
            StepVerifier.create(provider(() -> 0.5).chat(CALL, HELLO))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(AiException.class,
                            ai -> assertThat(ai.kind()).isEqualTo(kind)))
                    .verify(Duration.ofSeconds(5));
            assertThat(service.calls() - before).isEqualTo(1);
        }
        assertThat(listener.heard).isEmpty();
    }

    @Test
    void transientFailuresRunOutAfterTheLastRetry() {
        for (int i = 0; i < 4; i++) {
            service.then(fail(AiException.Kind.TRANSIENT));
        }
        AiProvider provider = provider(() -> 0.5);

        StepVerifier.withVirtualTime(() -> provider.chat(CALL, HELLO))
                .thenAwait(Duration.ofMinutes(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(AiException.class,
                        ai -> assertThat(ai.kind()).isEqualTo(AiException.Kind.TRANSIENT)))
                .verify(Duration.ofSeconds(5));

        assertThat(service.calls()).isEqualTo(4);
        assertThat(dependencies.status().dependencies().get(0).retriesExhausted()).isEqualTo(1);
    }

    @Test
    void attemptsThatHangAreCutByTheTimeLimiterAndRetried() {
        dependencies = new Dependencies(TestSettings.fiveInARow().withTimeout(Duration.ofSeconds(5)), meters,
                clock);
        service.then(hang());
        AiProvider provider = provider(() -> 0.5);

        succeedsAfterExactly(provider, Duration.ofMillis(6000));

        assertThat(service.cancelled()).isEqualTo(1);
        assertThat(service.calls()).isEqualTo(2);
    }

    @Test
    void breakerOpensAfterFiveConsecutiveFailuresThenFailsFastWithoutCallingTheService() {
        dependencies = withRetries(0);
        for (int i = 0; i < 5; i++) {
            service.then(fail(AiException.Kind.TRANSIENT));
        }
        AiProvider provider = provider(() -> 0.5);
        for (int i = 0; i < 5; i++) {
            StepVerifier.create(provider.chat(CALL, HELLO)).expectError(AiException.class).verify(Duration.ofSeconds(5));
        }
        assertThat(dependencies.breaker(Dependencies.AI_CHAT).getState()).isEqualTo(CircuitBreaker.State.OPEN);

        StepVerifier.create(provider.chat(CALL, HELLO))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(AiException.class, ai -> {
                    assertThat(ai.kind()).isEqualTo(AiException.Kind.TRANSIENT);
                    assertThat(ai.getCause()).isInstanceOf(CallNotPermittedException.class);
                }))
                .verify(Duration.ofSeconds(5));
        assertThat(service.calls()).isEqualTo(5);
        assertThat(dependencies.status().dependencies().get(0).notPermittedCalls()).isEqualTo(1);
    }

    @Test
    void breakerCountsLogicalCallsSoFiveCallsThatRanOutOfRetriesOpenIt() {
        for (int i = 0; i < 20; i++) {
            service.then(fail(AiException.Kind.TRANSIENT));
        }
        AiProvider provider = provider(() -> 0.5);
        CircuitBreaker breaker = dependencies.breaker(Dependencies.AI_CHAT);
        for (int call = 1; call <= 5; call++) {
            // 4 failed attempts per call: counted per attempt, the 2nd call would already have opened the breaker.
            assertThat(breaker.getState()).as("before call %d", call).isEqualTo(CircuitBreaker.State.CLOSED);
            StepVerifier.withVirtualTime(() -> provider.chat(CALL, HELLO))
                    .thenAwait(Duration.ofMinutes(1))
                    .expectError(AiException.class)
                    .verify(Duration.ofSeconds(5));
            assertThat(service.calls()).isEqualTo(call * 4);
        }
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(5);

        // The open circuit refuses the next call before its first attempt, and nothing retries it.
        StepVerifier.withVirtualTime(() -> provider.chat(CALL, HELLO))
                .thenAwait(Duration.ofMinutes(1))
                .expectErrorSatisfies(e -> assertThat(e.getCause()).isInstanceOf(CallNotPermittedException.class))
                .verify(Duration.ofSeconds(5));
        assertThat(service.calls()).isEqualTo(20);
        assertThat(listener.heard).hasSize(15);
    }

    @Test
    void aBurstOfRetriedAttemptsInOneCallThatSucceedsNeverTripsTheBreaker() {
        dependencies = new Dependencies(TestSettings.fiveInARow()
                .withRetry(new ResilienceProperties.Retry(8, Duration.ofSeconds(1), Duration.ofSeconds(10), 0.5,
                        Duration.ofSeconds(10))), meters, clock);
        for (int i = 0; i < 8; i++) {
            service.then(fail(AiException.Kind.TRANSIENT));
        }
        AiProvider provider = provider(() -> 0.5);

        StepVerifier.withVirtualTime(() -> provider.chat(CALL, HELLO))
                .thenAwait(Duration.ofMinutes(2))
                .expectNext(OK)
                .expectComplete().verify(Duration.ofSeconds(5));

        CircuitBreaker breaker = dependencies.breaker(Dependencies.AI_CHAT);
        assertThat(service.calls()).isEqualTo(9);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
    }

    @Test
    void aRetryStopsWhenOtherCallsOpenedTheCircuitMeanwhile() {
        service.then(fail(AiException.Kind.TRANSIENT), fail(AiException.Kind.TRANSIENT));
        AiProvider provider = provider(() -> 0.5);

        StepVerifier.withVirtualTime(() -> provider.chat(CALL, HELLO))
                .expectSubscription()
                .then(() -> dependencies.breaker(Dependencies.AI_CHAT).transitionToOpenState())
                .thenAwait(Duration.ofMinutes(1))
                .expectError(AiException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(service.calls()).isEqualTo(1);
    }

    @Test
    void halfOpenBreakerClosesAfterTwoSuccessfulProbes() {
        dependencies = withRetries(0);
        for (int i = 0; i < 5; i++) {
            service.then(fail(AiException.Kind.TRANSIENT));
        }
        AiProvider provider = provider(() -> 0.5);
        for (int i = 0; i < 5; i++) {
            StepVerifier.create(provider.chat(CALL, HELLO)).expectError(AiException.class).verify(Duration.ofSeconds(5));
        }
        CircuitBreaker breaker = dependencies.breaker(Dependencies.AI_CHAT);
        clock.advance(Duration.ofSeconds(29));
        StepVerifier.create(provider.chat(CALL, HELLO)).expectError(AiException.class).verify(Duration.ofSeconds(5));
        assertThat(service.calls()).isEqualTo(5);

        clock.advance(Duration.ofMillis(1001));
        StepVerifier.create(provider.chat(CALL, HELLO)).expectNext(OK).expectComplete().verify(Duration.ofSeconds(5));
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        StepVerifier.create(provider.chat(CALL, HELLO)).expectNext(OK).expectComplete().verify(Duration.ofSeconds(5));
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void exhaustedBudgetsAndPermanentErrorsNeverOpenTheBreaker() {
        dependencies = withRetries(0);
        for (int i = 0; i < 30; i++) {
            service.then(fail(i % 2 == 0 ? AiException.Kind.BUDGET_EXHAUSTED : AiException.Kind.PERMANENT));
        }
        AiProvider provider = provider(() -> 0.5);
        for (int i = 0; i < 30; i++) {
            StepVerifier.create(provider.chat(CALL, HELLO)).expectError(AiException.class).verify(Duration.ofSeconds(5));
        }
        assertThat(dependencies.breaker(Dependencies.AI_CHAT).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(service.calls()).isEqualTo(30);
    }

    @Test
    void eachDependencyHasItsOwnBreaker() {
        dependencies = withRetries(0);
        AiProvider provider = provider(() -> 0.5);
        dependencies.breaker(Dependencies.AI_CHAT).transitionToOpenState();

        StepVerifier.create(provider.chat(CALL, HELLO)).expectError(AiException.class).verify(Duration.ofSeconds(5));
        StepVerifier.create(provider.transcribe(CALL, Path.of("chunk.wav"), 0))
                .expectNextCount(1)
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(dependencies.status().dependencies())
                .extracting(ResilienceStatus.Dependency::name, ResilienceStatus.Dependency::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ai-chat", "OPEN"),
                        org.assertj.core.groups.Tuple.tuple("ai-transcription", "CLOSED"));
    }

    @Test
    void breakerStatesAndRetriesAreMetered() {
        service.then(fail(AiException.Kind.TRANSIENT));
        AiProvider provider = provider(() -> 0.5);
        StepVerifier.withVirtualTime(() -> provider.chat(CALL, HELLO))
                .thenAwait(Duration.ofSeconds(5))
                .expectNext(OK)
                .expectComplete().verify(Duration.ofSeconds(5));

        assertThat(meters.get("enrich.resilience.retries").tag("dependency", "ai-chat").tag("outcome", "attempted")
                .functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("enrich.resilience.retries").tag("outcome", "succeeded").functionCounter().count())
                .isEqualTo(1);
        assertThat(meters.get("resilience4j.circuitbreaker.state").tag("name", "ai-chat").tag("state", "closed")
                .gauge().value()).isEqualTo(1);
        assertThat(meters.get("resilience4j.circuitbreaker.calls").tag("name", "ai-chat").meters()).isNotEmpty();
    }

    /** Check in virtual time that the call succeeds exactly {@code after} from its start, not a millisecond sooner. */
    private static void succeedsAfterExactly(AiProvider provider, Duration after) {
        StepVerifier.withVirtualTime(() -> provider.chat(CALL, HELLO))
                .expectSubscription()
                .expectNoEvent(after.minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(OK)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    private Dependencies withRetries(int retries) {
        ResilienceProperties.Retry d = ResilienceProperties.Retry.defaults();
        return new Dependencies(TestSettings.fiveInARow().withRetry(new ResilienceProperties.Retry(retries,
                d.firstBackoff(), d.maxBackoff(), d.jitter(), d.maxRetryAfter())), meters, clock);
    }

    private AiProvider provider(DoubleSupplier random) {
        return listener.listening(new ResilientAiProvider(service, dependencies,
                new BackoffPolicy(dependencies.settings().retry(), random), Schedulers::parallel));
    }
}
