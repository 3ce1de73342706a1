package dev.enrich.ai;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.ai.fake.FakeOpenAiServer.Fault;
import dev.enrich.config.AiProperties;
import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.Json;
import dev.enrich.testing.LogsWritten;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.test.StepVerifier;

/** Keep the API key out of everything logged while calls succeed and fail, even with debug logging on. */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeyExposureTest {

    static final String KEY = "sk-never-log-me-4f1c2a";
    static final List<String> LOUD_LOGGERS = List.of("dev.enrich.ai", "reactor.netty", "io.netty",
            "org.springframework.web", "org.springframework.http");
    static final AiCall CALL = new AiCall("tenant-1", "session-1", "job-1", StageName.AUDIO);
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    final Map<String, Level> saved = new HashMap<>();
    FakeOpenAiServer fake;
    OpenAiCompatibleProvider provider;

    @BeforeEach
    void start() {
        for (String name : LOUD_LOGGERS) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            saved.put(name, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        fake = FakeOpenAiServer.start(FakeOpenAiServer.Options.defaults().withApiKey(KEY));
        provider = new OpenAiCompatibleProvider(AiProperties.of(fake.baseUrl(), KEY)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)), WebClient.builder(), Json.mapper());
    }

    @AfterEach
    void stop() {
        provider.close();
        fake.close();
        saved.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
    }

    @Test
    void keyNeverAppearsInLogsOfSuccessfulAndFailedCalls(CapturedOutput output) throws IOException {
        Path wav = Files.write(dir.resolve("k.wav"), Fixtures.wav(2, 8000));
        ChatRequest hello = new ChatRequest(ChatRequest.Task.SUMMARY, List.of(ChatRequest.Message.of("user", "hi")),
                true, 20);

        StepVerifier.create(provider.transcribe(CALL, wav, 0)).expectNextCount(1).expectComplete().verify(WAIT);
        StepVerifier.create(provider.chat(CALL, hello)).expectNextCount(1).expectComplete().verify(WAIT);
        for (Fault fault : Fault.values()) {
            fake.failNext(fault);
            StepVerifier.create(provider.chat(CALL, hello)).expectError(AiException.class).verify(WAIT);
        }
        OpenAiCompatibleProvider wrongKey = new OpenAiCompatibleProvider(
                AiProperties.of(fake.baseUrl(), KEY + "-revoked"), WebClient.builder(), Json.mapper());
        try {
            StepVerifier.create(wrongKey.chat(CALL, hello)).expectError(AiException.class).verify(WAIT);
        } finally {
            wrongKey.close();
        }

        assertThat(fake.requests()).hasSize(Fault.values().length + 3)
                .first().satisfies(r -> assertThat(r.header("authorization")).isEqualTo("Bearer " + KEY));
        assertThat(LogsWritten.in(output).getAll()).contains("AI chat").doesNotContain(KEY);
    }

    @Test
    void settingsDescribeThemselvesWithTheKeyRedacted() {
        AiProperties properties = AiProperties.of(fake.baseUrl(), KEY);

        assertThat(properties.toString()).contains("apiKey=<redacted>").doesNotContain(KEY);
        assertThat(AiProperties.of(fake.baseUrl(), "").toString()).contains("apiKey=<none>");
    }
}
