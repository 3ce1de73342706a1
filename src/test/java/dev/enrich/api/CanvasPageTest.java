package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.model.TimeSpan;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.stage.canvas.CanvasStage;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.Outputs;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

@ServiceTest
class CanvasPageTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    @BeforeEach
    void scriptUpstreamAndRunTheRealCanvas() {
        // Generous timeouts: the build machine is shared and busy; the happy path takes milliseconds.
        http = http.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        stages.reset();
        stages.script(StageName.AUDIO, ctx -> done(StageResult.succeeded(StageName.AUDIO,
                Outputs.audio(1.0, 0.9, 0.1, List.of(new TimeSpan(0.05, 0.95)), List.of(-15.1)))));
        stages.script(StageName.SUMMARY, ctx -> done(StageResult.succeeded(StageName.SUMMARY, Outputs.summary(
                "Standup <b>shipped</b>", "We shipped it.", List.of("We shipped it."), List.of("docs"),
                List.of("Write the docs")))));
        stages.script(StageName.CANVAS, ctx -> new CanvasStage().run(ctx));
    }

    @Test
    void servesTheCanvasAsASelfContainedPage() {
        String id = enrichAndWait();

        String html = http.get().uri("/api/v1/sessions/{id}/canvas", id).exchange()
                .expectStatus().isOk()
                .expectHeader().contentType("text/html;charset=UTF-8")
                .expectHeader().valueEquals("Content-Security-Policy",
                        "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; "
                                + "form-action 'none'")
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(html).contains("<h1>Standup &lt;b&gt;shipped&lt;/b&gt;</h1>", "<svg",
                "<span>Write the docs</span>", "<dt>Speech</dt><dd>90%</dd>");
        http.get().uri("/api/v1/sessions/{id}/enrichment", id).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.results.canvas.data.title").isEqualTo("Standup <b>shipped</b>")
                .jsonPath("$.results.canvas.data.html").doesNotExist();
    }

    @Test
    void answersNotFoundUntilTheCanvasIsReady() {
        stages.script(StageName.CANVAS, ctx -> done(StageResult.failed(StageName.CANVAS, "Could not draw.")));
        String id = enrichAndWait();

        http.get().uri("/api/v1/sessions/{id}/canvas", id).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("The canvas isn't ready yet.");
    }

    @Test
    void answersNotFoundForAnUnknownSession() {
        http.get().uri("/api/v1/sessions/{id}/canvas", "no-such-session").accept(MediaType.TEXT_HTML, MediaType.ALL)
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(404);
    }

    private String enrichAndWait() {
        String id = (String) http.post().uri("/api/v1/sessions")
                .bodyValue(Fixtures.session("Standup", "We shipped it.", Fixtures.wav(1, 8000)))
                .exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody().get("id");
        String jobId = (String) http.post().uri("/api/v1/sessions/{id}/enrichments", id).bodyValue(Map.of())
                .exchange().expectStatus().isAccepted()
                .expectBody(JSON).returnResult().getResponseBody().get("jobId");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            Object state = http.get().uri("/api/v1/jobs/{id}", jobId).exchange()
                    .expectBody(JSON).returnResult().getResponseBody().get("state");
            return List.of("completed", "partial", "failed").contains(state);
        });
        return id;
    }

    private static Flux<StageUpdate> done(StageResult result) {
        return Flux.just(StageUpdate.done(result));
    }
}
