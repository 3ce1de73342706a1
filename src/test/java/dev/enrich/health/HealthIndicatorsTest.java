package dev.enrich.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.resilience.Dependencies;
import dev.enrich.testing.TestStagesConfiguration;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The health indicators as the orchestrator and an operator see them over HTTP: the media store in the readiness
 * group (DOWN when its directory cannot be written, UP again when it can), the AI provider's circuit outside it
 * (DEGRADED while a breaker is open, which leaves readiness alone and answers 200), and details for ADMIN only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // Configured, never called: the breakers exist, nothing here makes an AI call.
        "enrich.ai.base-url=http://127.0.0.1:9/v1", "enrich.ai.api-key=sk-test-health"})
@AutoConfigureWebTestClient
@Import(TestStagesConfiguration.class)
@DirtiesContext
class HealthIndicatorsTest {

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
    private static final Duration CACHE_AND_MORE = Duration.ofSeconds(MediaStoreHealthIndicator.CACHED_SECONDS * 3L);

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void media(DynamicPropertyRegistry registry) {
        registry.add("enrich.media.dir", () -> dir.resolve("media").toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient http;

    @Autowired
    Dependencies dependencies;

    @Test
    void readinessGoesDownWhileTheMediaDirectoryCannotBeWrittenAndUpWhenItCan() throws IOException {
        assertThat(status("/actuator/health/readiness")).isEqualTo(200);
        assertThat(components("/actuator/health/readiness")).containsOnlyKeys("readinessState", "mediaStore");

        // Root ignores permission bits: a file where the directory should be is what no one can write into.
        Path media = dir.resolve("media");
        deleteTree(media);
        Files.writeString(media, "not a directory");
        try {
            await("readiness DOWN").atMost(CACHE_AND_MORE).until(() -> status("/actuator/health/readiness") == 503);
            Map<String, Object> store = component("/actuator/health/readiness", "mediaStore");
            assertThat(store).containsEntry("status", "DOWN");
            assertThat(String.valueOf(((Map<?, ?>) store.get("details")).get("error"))).contains("not writable");
            assertThat(status("/actuator/health/liveness")).as("no reason to restart").isEqualTo(200);
            // Callers without the ADMIN role get the status only.
            assertThat(WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build().get()
                    .uri("/actuator/health/readiness").exchange().expectBody(MAP).returnResult().getResponseBody())
                    .containsOnlyKeys("status");
        } finally {
            Files.delete(media);
        }
        await("readiness UP again").atMost(CACHE_AND_MORE).until(() -> status("/actuator/health/readiness") == 200);
    }

    @Test
    void anOpenAiBreakerShowsDegradedOutsideReadiness() {
        assertThat(component("/actuator/health", "ai")).containsEntry("status", "UP");
        CircuitBreaker chat = dependencies.breaker(Dependencies.AI_CHAT);
        chat.transitionToForcedOpenState();
        try {
            Map<String, Object> health = body("/actuator/health");
            assertThat(status("/actuator/health")).isEqualTo(200);
            assertThat(health).containsEntry("status", "DEGRADED");
            assertThat(component("/actuator/health", "ai")).containsEntry("status", "DEGRADED")
                    .containsEntry("details", Map.of(Dependencies.AI_CHAT, "FORCED_OPEN",
                            Dependencies.AI_TRANSCRIPTION, "CLOSED", "key", "accepted"));
            assertThat(status("/actuator/health/readiness")).isEqualTo(200);
            assertThat(components("/actuator/health/readiness")).doesNotContainKey("ai");
        } finally {
            chat.transitionToClosedState();
        }
        assertThat(body("/actuator/health")).containsEntry("status", "UP");
    }

    private int status(String path) {
        return http.get().uri(path).exchange().returnResult(String.class).getStatus().value();
    }

    private Map<String, Object> body(String path) {
        return http.get().uri(path).exchange().expectBody(MAP).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> components(String path) {
        return (Map<String, Object>) body(path).get("components");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> component(String path, String name) {
        return (Map<String, Object>) components(path).get(name);
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
