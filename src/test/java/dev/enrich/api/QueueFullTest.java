package dev.enrich.api;

import static dev.enrich.api.ProblemDetailsTest.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A full queue turns work away with 503 + Retry-After and keeps nothing of it; cancelling frees capacity. */
@ServiceTest
@TestPropertySource(properties = {"enrich.pool.concurrency=1", "enrich.pool.queue-capacity=2",
        "enrich.pool.retry-after=7s"})
class QueueFullTest {

    private static final String BUSY = "Enrich is busy right now. Please try again in a moment.";

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    private final List<String> sessions = new ArrayList<>();

    @BeforeEach
    void fillPoolAndQueue() {
        stages.reset();
        stages.script(StageName.SUMMARY, ctx -> ScriptedStages.forever(StageName.SUMMARY, Duration.ofMillis(20)));
        for (int i = 0; i < 5; i++) {
            sessions.add(ApiTestSupport.upload(http, Fixtures.session("Session " + i, "Notes " + i + ".", null)));
        }
        String running = ApiTestSupport.enrich(http, sessions.get(0), "{\"stages\": [\"summary\"]}");
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> "running".equals(ApiTestSupport.job(http, running).get("state")));
        ApiTestSupport.enrich(http, sessions.get(1), "{\"stages\": [\"summary\"]}");
        ApiTestSupport.enrich(http, sessions.get(2), "{\"stages\": [\"summary\"]}");
        assertThat(pool()).containsEntry("busy", 1).containsEntry("queued", 2);
    }

    @AfterEach
    void cancelEverything() {
        ApiTestSupport.cancelUnfinishedJobs(http);
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> stages.active() == 0);
        stages.reset();
    }

    @Test
    void enrichmentBeyondAFullQueueIsServiceUnavailableWithRetryAfter() {
        WebTestClient.ResponseSpec refused = http.post().uri("/api/v1/sessions/{id}/enrichments", sessions.get(3))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"stages\": [\"summary\"]}").exchange();
        refused.expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "7");
        expectProblem(refused, 503, "Service Unavailable", BUSY, null);
        assertThat(jobsOf(sessions.get(3))).isEmpty();
        assertThat(pool()).containsEntry("queued", 2);
    }

    @Test
    void batchLargerThanTheFreeQueueSpaceIsRefusedWhole() {
        String cancelled = jobsOf(sessions.get(2)).get(0);
        http.delete().uri("/api/v1/jobs/{id}", cancelled).exchange().expectStatus().isAccepted();
        assertThat(pool()).containsEntry("queued", 1);

        WebTestClient.ResponseSpec refused = http.post().uri("/api/v1/batches")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"sessionIds\": [\"" + sessions.get(3) + "\", \"" + sessions.get(4) + "\"]}")
                .exchange();
        refused.expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "7");
        expectProblem(refused, 503, "Service Unavailable", BUSY, "/api/v1/batches");
        assertThat(jobsOf(sessions.get(3))).isEmpty();
        assertThat(jobsOf(sessions.get(4))).isEmpty();
        assertThat(pool()).containsEntry("queued", 1);
    }

    @Test
    void cancellingQueuedAndRunningJobsGivesCapacityBack() {
        for (int i = 0; i < 3; i++) {
            http.delete().uri("/api/v1/jobs/{id}", jobsOf(sessions.get(i)).get(0)).exchange()
                    .expectStatus().isAccepted();
        }
        Awaitility.await().atMost(Duration.ofSeconds(1))
                .until(() -> pool().get("busy").equals(0) && pool().get("queued").equals(0));

        String job = ApiTestSupport.enrich(http, sessions.get(3), "{\"stages\": [\"summary\"]}");
        Map<String, Object> batch = http.post().uri("/api/v1/batches").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"sessionIds\": [\"" + sessions.get(4) + "\"], \"stages\": [\"summary\"]}")
                .exchange().expectStatus().isAccepted().expectBody(ApiTestSupport.MAP).returnResult()
                .getResponseBody();
        assertThat(batch).containsKeys("batchId", "jobIds");
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> "running".equals(ApiTestSupport.job(http, job).get("state")));
        assertThat(pool()).containsEntry("busy", 1).containsEntry("queued", 1);
    }

    @Test
    void concurrentEnrichmentsAtTheQueueEdgeLeaveNoRefusedJobBehind() {
        http.delete().uri("/api/v1/jobs/{id}", jobsOf(sessions.get(1)).get(0)).exchange().expectStatus().isAccepted();
        http.delete().uri("/api/v1/jobs/{id}", jobsOf(sessions.get(2)).get(0)).exchange().expectStatus().isAccepted();
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            extra.add(ApiTestSupport.upload(http, Fixtures.session("Extra " + i, "Notes.", null)));
        }
        List<Integer> statuses = reactor.core.publisher.Flux.fromIterable(extra)
                .parallel(12).runOn(reactor.core.scheduler.Schedulers.boundedElastic())
                .map(id -> http.post().uri("/api/v1/sessions/{id}/enrichments", id)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"stages\": [\"summary\"]}")
                        .exchange().returnResult(String.class).getStatus().value())
                .sequential().collectList().block();
        assertThat(statuses).filteredOn(s -> s == 202).hasSize(2);
        assertThat(statuses).filteredOn(s -> s == 503).hasSize(10);
        assertThat(ApiTestSupport.jobs(http)).filteredOn(j -> extra.contains(j.get("sessionId"))).hasSize(2);
    }

    private Map<String, Object> pool() {
        return http.get().uri("/api/v1/pool").exchange().expectStatus().isOk().expectBody(ApiTestSupport.MAP)
                .returnResult().getResponseBody();
    }

    private List<String> jobsOf(String session) {
        return ApiTestSupport.jobs(http).stream().filter(j -> session.equals(j.get("sessionId")))
                .map(j -> (String) j.get("id")).toList();
    }
}
