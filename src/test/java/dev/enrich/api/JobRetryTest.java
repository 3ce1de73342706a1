package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/** Checkpointed retries rerun only what failed; permanently failed jobs stay listed as dead letters. */
@ServiceTest
class JobRetryTest {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    @BeforeEach
    void reset() {
        stages.reset();
    }

    @Test
    void retryRerunsOnlyFailedStagesAndKeepsHistory() {
        AtomicInteger audioRuns = new AtomicInteger();
        stages.script(StageName.AUDIO, ctx -> audioRuns.incrementAndGet() == 1
                ? Flux.error(new IllegalStateException("flaky decoder"))
                : ScriptedStages.ticks(StageName.AUDIO, 2, Duration.ofMillis(5)));
        String session = ApiTestSupport.upload(http, Fixtures.session("Retro", "We shipped it.", Fixtures.wav(1, 8000)));
        String job = ApiTestSupport.enrich(http, session, "{\"stages\":[\"audio\",\"summary\"]}");
        assertThat(waitForEnd(job).get("state")).isEqualTo("partial");

        http.post().uri("/api/v1/jobs/{id}/retry", job).exchange().expectStatus().isAccepted()
                .expectBody().jsonPath("$.attempt").isEqualTo(2);
        Map<String, Object> done = waitForEnd(job);

        assertThat(done.get("state")).isEqualTo("completed");
        assertThat(stages.started(StageName.AUDIO)).isEqualTo(2);
        assertThat(stages.started(StageName.SUMMARY)).isEqualTo(1);
        assertThat((List<?>) done.get("history")).singleElement().asString().contains("partial");
    }

    @Test
    void failedJobsAreListedAsDeadLettersAndCanBeRetried() {
        stages.script(StageName.SUMMARY, ctx -> Flux.error(new IllegalStateException("boom")));
        String session = ApiTestSupport.upload(http, Fixtures.session("Notes only", "Some notes.", null));
        String job = ApiTestSupport.enrich(http, session, "{\"stages\":[\"summary\"]}");
        assertThat(waitForEnd(job).get("state")).isEqualTo("failed");

        List<Map<String, Object>> dead = http.get().uri("/api/v1/jobs?state=failed").exchange()
                .expectStatus().isOk().expectBody(ApiTestSupport.LIST).returnResult().getResponseBody();
        assertThat(dead).anySatisfy(j -> {
            assertThat(j.get("id")).isEqualTo(job);
            assertThat(j.get("message")).isEqualTo("Couldn't enrich this session.");
        });

        stages.reset();
        http.post().uri("/api/v1/jobs/{id}/retry", job).exchange().expectStatus().isAccepted();
        assertThat(waitForEnd(job).get("state")).isEqualTo("completed");
    }

    @Test
    void completedOrRunningJobsCannotBeRetried() {
        String session = ApiTestSupport.upload(http, Fixtures.session("Fine", "All good.", null));
        String job = ApiTestSupport.enrich(http, session, "{\"stages\":[\"summary\"]}");
        waitForEnd(job);

        http.post().uri("/api/v1/jobs/{id}/retry", job).exchange().expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("This job completed, so there is nothing to retry.");
        http.get().uri("/api/v1/jobs?state=sleepy").exchange().expectStatus().isBadRequest();
    }

    private Map<String, Object> waitForEnd(String job) {
        return Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> ApiTestSupport.job(http, job), j -> !List.of("queued", "running").contains(j.get("state")));
    }
}
