package dev.enrich.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** With the AI provider configured but unreachable, the local processors carry the job to the end. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"enrich.media.dir=${java.io.tmpdir}/enrich-ai-down-media", "enrich.ai.connect-timeout=1s",
                // Backoff compressed: the production schedule (1 s → 10 s, four retries) is tested in virtual time.
                "enrich.resilience.retry.first-backoff=10ms", "enrich.resilience.retry.max-backoff=100ms"})
@AutoConfigureWebTestClient(timeout = "PT60S")
class AiUnreachableEndToEndTest {

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

    @Autowired
    WebTestClient http;

    @DynamicPropertySource
    static void deadProvider(DynamicPropertyRegistry registry) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // Nothing listens there any more: every call is refused at once.
        String url = "http://127.0.0.1:" + port + "/v1";
        registry.add("enrich.ai.base-url", () -> url);
    }

    @Test
    void unreachableProviderFallsBackToLocalResults() {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\":\"Retro\",\"notes\":\"The release went well. We need to fix the flaky test.\"}",
                MediaType.APPLICATION_JSON);
        String session = (String) http.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange()
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("id");
        String jobId = (String) http.post().uri("/api/v1/sessions/{id}/enrichments", session)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"stages\":[\"summary\",\"canvas\"]}").exchange()
                .expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody().get("jobId");

        Map<String, Object> job = Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> http.get().uri("/api/v1/jobs/{id}", jobId).exchange().expectBody(MAP).returnResult()
                        .getResponseBody(), j -> !List.of("queued", "running").contains(j.get("state")));

        assertThat(job.get("state")).isIn("completed", "partial");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stages = (List<Map<String, Object>>) job.get("stages");
        assertThat(stages).allSatisfy(s -> {
            assertThat(s.get("state")).isIn("succeeded", "degraded");
            assertThat(s.get("path")).isEqualTo("local");
        });
        String summary = http.get().uri("/api/v1/sessions/{id}/enrichment", session).exchange()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(summary).contains("We need to fix the flaky test");
    }
}
