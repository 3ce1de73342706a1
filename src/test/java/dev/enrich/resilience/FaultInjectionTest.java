package dev.enrich.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiException;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.OpenAiCompatibleProvider;
import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.ai.fake.FakeOpenAiServer.Fault;
import dev.enrich.config.AiProperties;
import dev.enrich.config.ResilienceProperties;
import dev.enrich.testing.Json;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.StepVerifier;

/** Inject faults with a real HTTP server on loopback and watch the guarded real provider recover or fail fast. */
class FaultInjectionTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final RecordingListener listener = new RecordingListener();
    private FakeOpenAiServer server;
    private OpenAiCompatibleProvider http;
    private int warmUp;

    @BeforeEach
    void start() {
        server = FakeOpenAiServer.start();
        http = new OpenAiCompatibleProvider(AiProperties.of(server.baseUrl(), "test-key")
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)), WebClient.builder(), Json.mapper());
        // Warm the client up, so a cold first request does not run into the short test time limits.
        http.chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO).block(WAIT);
        warmUp = server.requests().size();
    }

    @AfterEach
    void stop() {
        http.close();
        server.close();
    }

    @Test
    void rateLimitedCallsWaitForRetryAfterUpToItsCapThenSucceed() {
        server.failNext(Fault.RATE_LIMITED);
        Dependencies dependencies = dependencies(2, Duration.ofSeconds(2));

        StepVerifier.create(guarded(dependencies).chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO))
                .expectNextCount(1)
                .expectComplete()
                .verify(WAIT);

        assertThat(server.requests()).hasSize(warmUp + 2);
        // The fake asks for 1 s; the test's cap is 300 ms.
        assertThat(listener.heard).singleElement().satisfies(r -> {
            assertThat(r.attempt()).isEqualTo(2);
            assertThat(r.maxAttempts()).isEqualTo(3);
            assertThat(r.delay()).isEqualTo(Duration.ofMillis(300));
        });
    }

    @Test
    void unavailableServersAndConnectionResetsAreRetried() {
        server.failNext(Fault.UNAVAILABLE, Fault.RESET);
        Dependencies dependencies = dependencies(2, Duration.ofSeconds(2));

        StepVerifier.create(guarded(dependencies).chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO))
                .expectNextCount(1)
                .expectComplete()
                .verify(WAIT);

        assertThat(server.requests()).hasSize(warmUp + 3);
        assertThat(listener.heard).extracting(RecordingListener.Retrying::attempt).containsExactly(2, 3);
        assertThat(dependencies.status().dependencies().get(0).retriesSucceeded()).isEqualTo(1);
    }

    @Test
    void slowAnswersPastTheTimeLimitAreCutAndRetried() {
        server.failNext(Fault.TIMEOUT);
        Dependencies dependencies = dependencies(1, Duration.ofSeconds(2));

        StepVerifier.create(guarded(dependencies).chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO))
                .expectNextCount(1)
                .expectComplete()
                .verify(WAIT);

        assertThat(server.requests()).hasSize(warmUp + 2);
    }

    @Test
    void malformedBodiesArePermanentAndNotRetried() {
        server.failNext(Fault.MALFORMED_JSON);
        Dependencies dependencies = dependencies(3, Duration.ofSeconds(2));

        StepVerifier.create(guarded(dependencies).chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(AiException.class,
                        ai -> assertThat(ai.kind()).isEqualTo(AiException.Kind.PERMANENT)))
                .verify(WAIT);

        assertThat(server.requests()).hasSize(warmUp + 1);
        assertThat(listener.heard).isEmpty();
    }

    @Test
    void anOpenCircuitFailsFastWithoutTouchingTheNetwork() {
        server.failNext(Fault.UNAVAILABLE, Fault.UNAVAILABLE, Fault.UNAVAILABLE, Fault.UNAVAILABLE,
                Fault.UNAVAILABLE);
        Dependencies dependencies = dependencies(0, Duration.ofSeconds(2));
        AiProvider provider = guarded(dependencies);
        for (int i = 0; i < 5; i++) {
            StepVerifier.create(provider.chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO))
                    .expectError(AiException.class)
                    .verify(WAIT);
        }
        assertThat(dependencies.breaker(Dependencies.AI_CHAT).getState()).isEqualTo(CircuitBreaker.State.OPEN);

        // Fails fast: the error is signalled while subscribing, before any timer, network call or backoff could
        // have run (retry waits run on a virtual-time scheduler nobody advances, so a wait would never end).
        VirtualTimeScheduler timers = VirtualTimeScheduler.create();
        AiProvider open = guarded(dependencies, () -> timers);
        for (int i = 0; i < 20; i++) {
            AtomicReference<Throwable> failed = new AtomicReference<>();
            open.chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO)
                    .subscribe(reply -> failed.set(new AssertionError("answered: " + reply)), failed::set);
            assertThat(failed.get()).as("signalled during subscribe").isNotNull()
                    .satisfies(e -> assertThat(e.getCause()).isInstanceOf(CallNotPermittedException.class));
        }
        assertThat(server.requests()).hasSize(warmUp + 5);
        assertThat(listener.heard).isEmpty();
    }

    @Test
    void fiveFailedLogicalCallsOpenTheBreakerWhateverTheirRetries() {
        for (int i = 0; i < 15; i++) {
            server.failNext(Fault.UNAVAILABLE);
        }
        Dependencies dependencies = dependencies(2, Duration.ofSeconds(2));
        AiProvider provider = guarded(dependencies);
        CircuitBreaker breaker = dependencies.breaker(Dependencies.AI_CHAT);
        for (int call = 1; call <= 5; call++) {
            // Counted per attempt, the 2nd call (6 failed attempts) would already have met an open circuit.
            assertThat(breaker.getState()).as("before call %d", call).isEqualTo(CircuitBreaker.State.CLOSED);
            StepVerifier.create(provider.chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO))
                    .expectError(AiException.class)
                    .verify(WAIT);
        }
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(server.requests()).hasSize(warmUp + 15);
    }

    @Test
    void aBurstOfRetriedFaultsInOneCallThatRecoversLeavesTheBreakerClosed() {
        server.failNext(Fault.UNAVAILABLE, Fault.RESET, Fault.UNAVAILABLE, Fault.RATE_LIMITED, Fault.RESET,
                Fault.UNAVAILABLE);
        Dependencies dependencies = dependencies(6, Duration.ofSeconds(2));

        StepVerifier.create(guarded(dependencies).chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO))
                .expectNextCount(1)
                .expectComplete()
                .verify(WAIT);

        CircuitBreaker breaker = dependencies.breaker(Dependencies.AI_CHAT);
        assertThat(server.requests()).hasSize(warmUp + 7);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
    }

    private Dependencies dependencies(int retries, Duration timeout) {
        return new Dependencies(TestSettings.fiveInARow()
                .withRetry(new ResilienceProperties.Retry(retries, Duration.ofMillis(20), Duration.ofMillis(100), 0.5,
                        Duration.ofMillis(300)))
                .withTimeout(timeout), new SimpleMeterRegistry(), Clock.systemUTC());
    }

    private AiProvider guarded(Dependencies dependencies) {
        return guarded(dependencies, Schedulers::parallel);
    }

    private AiProvider guarded(Dependencies dependencies, Supplier<Scheduler> timers) {
        return listener.listening(new ResilientAiProvider(http, dependencies,
                new BackoffPolicy(dependencies.settings().retry()), timers));
    }
}
