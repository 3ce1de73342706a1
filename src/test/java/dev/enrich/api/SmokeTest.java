package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;

@ServiceTest
class SmokeTest {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    @BeforeEach
    void reset() {
        stages.reset();
    }

    @Test
    void uploadsEnrichesAndShowsResults() {
        Map<String, Object> session = http.post().uri("/api/v1/sessions")
                .bodyValue(Fixtures.session("Standup", "We shipped it. Next step: docs.", Fixtures.wav(1, 8000)))
                .exchange().expectStatus().isCreated()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {}).returnResult()
                .getResponseBody();
        String id = (String) session.get("id");
        String jobId = (String) http.post().uri("/api/v1/sessions/{id}/enrichments", id)
                .bodyValue(Map.of()).exchange().expectStatus().isAccepted()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {}).returnResult()
                .getResponseBody().get("jobId");
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                http.get().uri("/api/v1/jobs/{id}", jobId).exchange()
                        .expectBody().jsonPath("$.state").isEqualTo("completed"));
        http.get().uri("/api/v1/jobs/{id}", jobId).exchange().expectBody()
                .jsonPath("$.stages[0].stage").isEqualTo("audio")
                .jsonPath("$.stages[1].state").isEqualTo("skipped");
        assertThat(stages.started(dev.enrich.pipeline.StageName.VIDEO)).isZero();
    }
}
