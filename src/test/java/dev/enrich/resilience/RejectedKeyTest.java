package dev.enrich.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiException;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.OpenAiCompatibleProvider;
import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.config.AiProperties;
import dev.enrich.config.ResilienceProperties;
import dev.enrich.testing.Json;
import dev.enrich.testing.LogsWritten;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** A provider that answers 401 to our key: the call fails at once, the breaker never hears of it, operators do. */
@ExtendWith(OutputCaptureExtension.class)
class RejectedKeyTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final FakeOpenAiServer server = FakeOpenAiServer.start(
            FakeOpenAiServer.Options.defaults().withApiKey("the-right-key"));
    private final RecordingListener listener = new RecordingListener();
    private final Dependencies dependencies = new Dependencies(TestSettings.fiveInARow()
            .withRetry(new ResilienceProperties.Retry(3, Duration.ofMillis(20), Duration.ofMillis(100), 0.5,
                    Duration.ofMillis(300))), new SimpleMeterRegistry(), Clock.systemUTC());

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aRejectedKeyIsPermanentNeverRetriedAndLeavesTheBreakerAlone(CapturedOutput output) {
        AiProvider provider = guarded("a-revoked-key");
        for (int i = 0; i < 12; i++) {
            StepVerifier.create(provider.chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(AiException.class,
                            ai -> assertThat(ai.kind()).isEqualTo(AiException.Kind.KEY_REJECTED)))
                    .verify(WAIT);
        }

        assertThat(server.requests()).as("one request per call: no retries").hasSize(12);
        assertThat(listener.heard).isEmpty();
        CircuitBreaker breaker = dependencies.breaker(Dependencies.AI_CHAT);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).as("ignored by the breaker").isZero();
        assertThat(dependencies.keyRejected()).isTrue();
        assertThat(dependencies.status().dependencies()).singleElement()
                .satisfies(d -> assertThat(d.keyRejected()).isTrue());
        Health health = new AiHealthIndicator(dependencies, true).health(true).block(WAIT);
        assertThat(health.getStatus()).isEqualTo(AiHealthIndicator.DEGRADED);
        assertThat(health.getDetails()).containsEntry("key", "rejected")
                .containsEntry(Dependencies.AI_CHAT, "CLOSED");
        // One warning for the change of state, not one per call; never the key.
        assertThat(LogsWritten.in(output).getAll().split("AI key rejected", -1)).hasSize(2);
        assertThat(output.getAll()).doesNotContain("a-revoked-key");
    }

    @Test
    void aCallThatSucceedsAgainClearsTheRejection() {
        StepVerifier.create(guarded("a-revoked-key").chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO))
                .expectError(AiException.class)
                .verify(WAIT);
        assertThat(dependencies.keyRejected()).isTrue();

        StepVerifier.create(guarded("the-right-key").chat(ResilientAiProviderTest.CALL, ResilientAiProviderTest.HELLO))
                .expectNextCount(1)
                .expectComplete()
                .verify(WAIT);
        assertThat(dependencies.keyRejected()).isFalse();
        Health health = new AiHealthIndicator(dependencies, true).health(true).block(WAIT);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("key", "accepted");
    }

    private AiProvider guarded(String key) {
        OpenAiCompatibleProvider http = new OpenAiCompatibleProvider(AiProperties.of(server.baseUrl(), key)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)), WebClient.builder(), Json.mapper());
        return listener.listening(new ResilientAiProvider(http, dependencies,
                new BackoffPolicy(dependencies.settings().retry()), Schedulers::parallel));
    }
}
