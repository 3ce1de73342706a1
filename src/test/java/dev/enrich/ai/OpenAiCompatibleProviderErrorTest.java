package dev.enrich.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiException.Kind;
import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.ai.fake.FakeOpenAiServer.Fault;
import dev.enrich.config.AiProperties;
import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Classify provider failures for the resilience layer, against real faults from the fake server. */
class OpenAiCompatibleProviderErrorTest {

    static final String KEY = "sk-error-test-9876543210";
    static final AiCall CALL = new AiCall("tenant-1", "session-1", "job-1", StageName.VIDEO);
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    static final ChatRequest HELLO = new ChatRequest(ChatRequest.Task.SUMMARY,
            List.of(ChatRequest.Message.of("user", "hello")), false, 10);

    @TempDir
    Path dir;

    FakeOpenAiServer fake;
    OpenAiCompatibleProvider provider;

    @BeforeEach
    void start() {
        startFake(FakeOpenAiServer.Options.defaults().withApiKey(KEY));
    }

    @AfterEach
    void stop() {
        provider.close();
        fake.close();
    }

    @Test
    void rateLimitIsTransientWithTheRetryAfterSeconds() {
        startFake(FakeOpenAiServer.Options.defaults().withApiKey(KEY).withRetryAfter("7"));
        fake.failNext(Fault.RATE_LIMITED);

        expectFailure(provider.chat(CALL, HELLO), e -> {
            assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
            assertThat(e.getMessage()).contains("HTTP 429").contains("Rate limit reached");
        });
    }

    @Test
    void rateLimitRetryAfterMayBeAnHttpDate() {
        startFake(FakeOpenAiServer.Options.defaults().withApiKey(KEY).withRetryAfter("Sat, 01 Mar 2025 12:00:30 GMT"));
        fake.failNext(Fault.RATE_LIMITED);

        expectFailure(provider.chat(CALL, HELLO), e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
    }

    @ParameterizedTest
    @CsvSource({"UNAVAILABLE, 503", "SERVER_ERROR, 500"})
    void serverErrorsAreTransient(Fault fault, int status) {
        fake.failNext(fault);

        expectFailure(provider.chat(CALL, HELLO), e -> {
            assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e.retryAfter()).isNull();
            assertThat(e.getMessage()).contains("HTTP " + status);
        });
    }

    @Test
    void silentServerTimesOutAsTransient() {
        use(AiProperties.of(fake.baseUrl(), KEY).withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300)));
        fake.failNext(Fault.TIMEOUT);

        expectFailure(provider.chat(CALL, HELLO), e -> {
            assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e.getMessage()).contains("timed out");
            assertThat(e.timedOut()).isTrue();
        });
    }

    @Test
    void connectionResetIsTransient() {
        fake.failNext(Fault.RESET);

        expectFailure(provider.chat(CALL, HELLO), e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT));
    }

    @Test
    void connectionResetDuringTranscriptionIsTransient() throws IOException {
        Path wav = Files.write(dir.resolve("a.wav"), Fixtures.wav(3, 8000));
        fake.failNext(Fault.RESET);

        expectFailure(provider.transcribe(CALL, wav, 0), e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT));
    }

    @Test
    void unreachableProviderIsTransient() {
        String baseUrl = fake.baseUrl();
        fake.close();
        use(AiProperties.of(baseUrl, KEY));

        expectFailure(provider.chat(CALL, HELLO), e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT));
    }

    @Test
    void malformedJsonIsPermanent() {
        fake.failNext(Fault.MALFORMED_JSON);

        expectFailure(provider.chat(CALL, HELLO), e -> {
            assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
            assertThat(e.getMessage()).contains("malformed reply");
        });
    }

    @Test
    void malformedTranscriptionIsPermanent() throws IOException {
        Path wav = Files.write(dir.resolve("b.wav"), Fixtures.wav(1, 8000));
        fake.failNext(Fault.MALFORMED_JSON);

        expectFailure(provider.transcribe(CALL, wav, 0), e -> assertThat(e.kind()).isEqualTo(Kind.PERMANENT));
    }

    @Test
    void wrongKeyIsRejectedAndTheMessageDoesNotCarryTheKey() {
        use(AiProperties.of(fake.baseUrl(), "sk-wrong-key-555"));

        expectFailure(provider.chat(CALL, HELLO), e -> {
            assertThat(e.kind()).isEqualTo(Kind.KEY_REJECTED);
            assertThat(e.getMessage()).contains("HTTP 401").doesNotContain("sk-wrong-key-555");
        });
    }

    @Test
    void unknownEndpointIsPermanent() {
        use(AiProperties.of(fake.baseUrl() + "/nowhere", KEY));

        expectFailure(provider.chat(CALL, HELLO), e -> {
            assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
            assertThat(e.getMessage()).contains("HTTP 404");
        });
    }

    @Test
    void disabledProviderFailsPermanentWithoutCalling() throws IOException {
        Path wav = Files.write(dir.resolve("c.wav"), Fixtures.wav(1, 8000));
        OpenAiCompatibleProvider off = new OpenAiCompatibleProvider(AiProperties.of("", KEY), WebClient.builder(),
                Json.mapper());
        try {
            assertThat(off.enabled()).isFalse();
            expectFailure(off.chat(CALL, HELLO), e -> assertThat(e.kind()).isEqualTo(Kind.PERMANENT));
            expectFailure(off.transcribe(CALL, wav, 0), e -> assertThat(e.kind()).isEqualTo(Kind.PERMANENT));
        } finally {
            off.close();
        }
        DisabledAiProvider disabled = new DisabledAiProvider();
        assertThat(disabled.enabled()).isFalse();
        expectFailure(disabled.chat(CALL, HELLO), e -> assertThat(e.kind()).isEqualTo(Kind.PERMANENT));
        expectFailure(disabled.transcribe(CALL, wav, 0), e -> assertThat(e.kind()).isEqualTo(Kind.PERMANENT));
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void faultsStopAndTheNextCallSucceeds() {
        fake.failNext(Fault.UNAVAILABLE);

        expectFailure(provider.chat(CALL, HELLO), e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT));
        StepVerifier.create(provider.chat(CALL, HELLO)).expectNextCount(1).expectComplete().verify(WAIT);
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void unauthorizedAndForbiddenMeanTheKeyWasRejected() {
        assertThat(AiErrors.fromStatus("chat", 401, null, "Incorrect API key", "k", NOW).kind())
                .isEqualTo(Kind.KEY_REJECTED);
        assertThat(AiErrors.fromStatus("chat", 403, "5", "Forbidden", "k", NOW))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.KEY_REJECTED))
                .satisfies(e -> assertThat(e.retryAfter()).isNull());
        assertThat(AiErrors.fromStatus("chat", 404, null, null, "k", NOW).kind()).isEqualTo(Kind.PERMANENT);
    }

    @Test
    void retryAfterParsesSecondsAndDatesAndIgnoresNonsense() {
        assertThat(AiErrors.retryAfter("12", NOW)).isEqualTo(Duration.ofSeconds(12));
        assertThat(AiErrors.retryAfter(" 0 ", NOW)).isEqualTo(Duration.ZERO);
        assertThat(AiErrors.retryAfter("Sat, 01 Mar 2025 12:01:00 GMT", NOW)).isEqualTo(Duration.ofMinutes(1));
        assertThat(AiErrors.retryAfter("Sat, 01 Mar 2025 11:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
        assertThat(AiErrors.retryAfter("-3", NOW)).isNull();
        assertThat(AiErrors.retryAfter("soon", NOW)).isNull();
        assertThat(AiErrors.retryAfter(null, NOW)).isNull();
    }

    private void startFake(FakeOpenAiServer.Options options) {
        if (fake != null) {
            fake.close();
            provider.close();
        }
        fake = FakeOpenAiServer.start(options);
        provider = new OpenAiCompatibleProvider(AiProperties.of(fake.baseUrl(), KEY), WebClient.builder(),
                Json.mapper(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private void use(AiProperties properties) {
        provider.close();
        provider = new OpenAiCompatibleProvider(properties, WebClient.builder(), Json.mapper());
    }

    private static void expectFailure(Mono<?> call, Consumer<AiException> check) {
        StepVerifier.create(call)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(AiException.class);
                    assertThat(e.getMessage()).doesNotContain(KEY);
                    check.accept((AiException) e);
                })
                .verify(WAIT);
    }
}
