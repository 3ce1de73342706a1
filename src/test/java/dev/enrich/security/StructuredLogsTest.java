package dev.enrich.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.testing.EnrichProcess;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.TestAuthAutoConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real replica started as an orchestrator would start it for JSON logs ({@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs}
 * in its environment) writes one JSON object per line; the lines a job logs carry its {@code jobId},
 * {@code sessionId} and {@code tenant}, also the stage's own line when the AI reply it got was unusable; and a stream
 * ticket in a request URL, logged in full by Spring's request logging at DEBUG, comes out blanked.
 */
class StructuredLogsTest {

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TICKET = "tkt-9f2b7c31d4";

    @TempDir
    Path dir;

    @Test
    void jsonLinesCarryTheJobsIdsAndNoTicket() {
        try (FakeOpenAiServer ai = FakeOpenAiServer.start()) {
            // The summary's AI reply is not JSON: the stage keeps its local result and logs why.
            ai.failNext(FakeOpenAiServer.Fault.MALFORMED_JSON);
            EnrichProcess replica = EnrichProcess.start("json", dir, Map.of(
                    "enrich.ai.base-url", ai.baseUrl(),
                    "enrich.ai.api-key", "sk-test-json-logs",
                    "enrich.media.dir", dir.resolve("media").toString(),
                    "logging.level.org.springframework.web.server.adapter.HttpWebHandlerAdapter", "DEBUG"),
                    Map.of("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs"));
            String session;
            String job;
            try {
                WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + replica.port())
                        .defaultHeader(HttpHeaders.AUTHORIZATION, TestAuthAutoConfiguration.BEARER)
                        .responseTimeout(Duration.ofSeconds(30)).build();
                session = (String) http.post().uri("/api/v1/sessions")
                        .bodyValue(Fixtures.session("Logs", "We planned the release. I'll write the notes.",
                                Fixtures.wav(1, 8000)))
                        .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody()
                        .get("id");
                job = (String) http.post().uri("/api/v1/sessions/{id}/enrichments", session)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("stages", List.of("summary")))
                        .exchange().expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody()
                        .get("jobId");
                await("job ended").atMost(Duration.ofMinutes(1)).until(() -> http.get().uri("/api/v1/jobs/{id}", job)
                        .exchange().expectBody(MAP).returnResult().getResponseBody().get("state"), "partial"::equals);
                WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + replica.port()).build().get()
                        .uri("/api/v1/jobs/{id}/events?ticket=" + TICKET, job).exchange();
                await("request logged").atMost(Duration.ofSeconds(10)).until(() -> replica.log().contains("/events?"));
            } finally {
                replica.close();
            }

            List<Map<String, Object>> lines = new ArrayList<>();
            for (String line : replica.log().split("\n")) {
                if (line.startsWith("{")) {
                    lines.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() {}));
                }
            }
            Map<String, Object> ids = Map.of("jobId", job, "sessionId", session, "tenant", "default");
            assertThat(lines).as("JSON lines").hasSizeGreaterThan(10)
                    .allSatisfy(l -> assertThat(l).containsKeys("@timestamp", "log", "message"));
            assertThat(lines).filteredOn(l -> message(l).startsWith("job started job=" + job)).singleElement()
                    .satisfies(l -> assertThat(l).containsAllEntriesOf(ids));
            assertThat(lines).filteredOn(l -> message(l).startsWith("AI result not used")).singleElement()
                    .satisfies(l -> assertThat(l).containsAllEntriesOf(ids));
            assertThat(lines).filteredOn(l -> message(l).startsWith("job finished job=" + job)).singleElement()
                    .satisfies(l -> assertThat(l).containsAllEntriesOf(ids));
            assertThat(lines).filteredOn(l -> message(l).contains("/events?ticket=")).isNotEmpty()
                    .allSatisfy(l -> assertThat(message(l)).contains("ticket=***"));
            assertThat(replica.log()).doesNotContain(TICKET);
        }
    }

    private static String message(Map<String, Object> line) {
        return String.valueOf(line.get("message"));
    }
}
