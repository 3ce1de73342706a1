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
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/**
 * Checkpointed retries rerun only what failed; permanently failed jobs stay listed as dead letters, which the
 * operator (ADMIN, the default test key) sees for the whole service.
 */
@ServiceTest
@TestPropertySource(properties = {"enrich.security.api-keys[0].sha256=" + JobRetryTest.GLOBEX_SHA,
        "enrich.security.api-keys[0].tenant=globex", "enrich.security.api-keys[0].roles=USER"})
class JobRetryTest {

    static final String GLOBEX = "globex-user-key-0123456789";
    static final String GLOBEX_SHA = "f124726ae636127c6494bb05d2b7bb8143d7dcf9ab0b478b31b8fe0698ab8974";

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
        WebTestClient globex = http.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + GLOBEX).build();
        String globexSession = ApiTestSupport.upload(globex, Fixtures.session("Theirs", "Other notes.", null));
        String globexJob = ApiTestSupport.enrich(globex, globexSession, "{\"stages\":[\"summary\"]}");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ApiTestSupport.job(globex, globexJob),
                j -> "failed".equals(j.get("state")));

        List<Map<String, Object>> dead = http.get().uri("/api/v1/jobs?state=failed").exchange()
                .expectStatus().isOk().expectBody(ApiTestSupport.LIST).returnResult().getResponseBody();
        assertThat(dead).anySatisfy(j -> {
            assertThat(j.get("id")).isEqualTo(job);
            assertThat(j.get("message")).isEqualTo("Couldn't enrich this session.");
        });
        assertThat(dead).as("service-wide: another tenant's dead letter too").anySatisfy(
                j -> assertThat(j.get("id")).isEqualTo(globexJob));
        globex.get().uri("/api/v1/jobs?state=failed").exchange().expectStatus().isForbidden();

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
