package dev.enrich.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.fake.FakeOpenAiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
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

/** A transient AI failure shows up on the job's stream as a friendly {@code retrying} event, then the job recovers. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "enrich.media.dir=${java.io.tmpdir}/enrich-retrying-media", "enrich.resilience.retry.first-backoff=5ms",
        "enrich.resilience.retry.max-backoff=20ms", "enrich.resilience.retry.max-retry-after=20ms"})
@AutoConfigureWebTestClient(timeout = "PT30S")
class RetryingEventTest {

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

    static FakeOpenAiServer ai = FakeOpenAiServer.start();

    @Autowired
    WebTestClient http;

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("enrich.ai.base-url", () -> ai.baseUrl());
    }

    @AfterAll
    static void stop() {
        ai.close();
    }

    @Test
    void transientFailuresAreAnnouncedAsRetryingAndTheJobRecovers() {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\":\"Standup\",\"notes\":\"We shipped it. We need to fix the flaky test.\"}",
                MediaType.APPLICATION_JSON);
        String session = (String) http.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange()
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("id");
        ai.failNext(FakeOpenAiServer.Fault.UNAVAILABLE, FakeOpenAiServer.Fault.RATE_LIMITED);
        String job = (String) http.post().uri("/api/v1/sessions/{id}/enrichments", session)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"stages\":[\"summary\"]}").exchange()
                .expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody().get("jobId");
        Map<String, Object> done = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> http.get().uri("/api/v1/jobs/{id}", job).exchange().expectBody(MAP).returnResult()
                        .getResponseBody(), j -> !List.of("queued", "running").contains(j.get("state")));

        String events = http.get().uri("/api/v1/jobs/{id}/events", job).header("Last-Event-ID", "0").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(done.get("state")).isEqualTo("completed");
        assertThat(events).contains("event:retrying")
                .contains("Couldn't reach the AI service. Retrying in 1s...")
                .contains("\"attempt\":2").contains("\"attempt\":3").contains("\"maxAttempts\":4")
                .doesNotContainIgnoringCase("cost").doesNotContainIgnoringCase("token")
                .doesNotContain("503").doesNotContain("429");
    }
}
