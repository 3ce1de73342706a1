package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A tenant keeps at most {@code max-jobs-per-tenant} jobs: finished ones make room for new ones, unfinished ones
 * never do, and a submission that does not fit answers 429 and leaves nothing behind (a batch is all or nothing).
 */
@ServiceTest
@TestPropertySource(properties = {"enrich.limits.max-jobs-per-tenant=2", "enrich.limits.max-queued-jobs=10"})
class JobStorageLimitTest {

    private static final String SUMMARY = "{\"stages\": [\"summary\"]}";

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    @BeforeEach
    void summariesRunUntilCancelled() {
        stages.reset();
        stages.script(StageName.SUMMARY, ctx -> ScriptedStages.forever(StageName.SUMMARY, Duration.ofMillis(20)));
    }

    @AfterEach
    void cancelEverything() {
        ApiTestSupport.cancelUnfinishedJobs(http);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stages.active() == 0);
        stages.reset();
    }

    @Test
    void unfinishedJobsHoldTheTenantsShareAndFinishedOnesMakeRoom() {
        String session = ApiTestSupport.upload(http, Fixtures.session("Jobs", "Notes.", null));
        String other = ApiTestSupport.upload(http, Fixtures.session("More jobs", "Notes.", null));
        String first = ApiTestSupport.enrich(http, session, SUMMARY);
        String second = ApiTestSupport.enrich(http, session, SUMMARY);

        http.post().uri("/api/v1/sessions/{id}/enrichments", session).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(SUMMARY).exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo(
                        "You have a lot of enrichments in progress already. Please try again when some have finished.");

        http.delete().uri("/api/v1/jobs/{id}", first).exchange().expectStatus().is2xxSuccessful();
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "cancelled".equals(ApiTestSupport.job(http, first).get("state")));
        // One room for a batch of two: the batch is refused whole, none of its jobs stays behind.
        http.post().uri("/api/v1/batches").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"sessionIds\": [\"" + session + "\", \"" + other + "\"]}").exchange()
                .expectStatus().isEqualTo(429);
        assertThat(unfinished()).containsExactly(second);

        String third = ApiTestSupport.enrich(http, session, SUMMARY);
        assertThat(unfinished()).containsExactlyInAnyOrder(second, third);
        assertThat(ApiTestSupport.jobs(http)).hasSize(2);
    }

    private List<Object> unfinished() {
        return ApiTestSupport.jobs(http).stream()
                .filter(job -> "queued".equals(job.get("state")) || "running".equals(job.get("state")))
                .map(job -> job.get("id")).toList();
    }
}
