package dev.enrich.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.config.JobsProperties;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageName;
import dev.enrich.pool.WorkerPool;
import dev.enrich.resilience.BackoffPolicy;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A cancel that reaches a job's run after its pipeline ended, while the run stores the job for its automatic retry
 * (the caller was told "Cancelling..."), wins: the job ends CANCELLED and does not run again. The retries here cancel
 * the job exactly then, as a person's cancel could.
 */
@ServiceTest
@TestPropertySource(properties = {"enrich.jobs.max-attempts=3", "enrich.jobs.first-backoff=20ms",
        "enrich.jobs.max-backoff=50ms"})
@Import(CancelDuringRetryTest.CancelWhileTheRetryIsStored.class)
class CancelDuringRetryTest {

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

    @TestConfiguration(proxyBeanMethods = false)
    static class CancelWhileTheRetryIsStored {

        @Bean
        @Primary
        JobRetries cancellingRetries(JobsProperties settings, ObjectProvider<WorkerPool> pool) {
            return new JobRetries(settings, new BackoffPolicy(settings.backoff()), Optional::empty,
                    Schedulers::parallel, (job, delay) -> Mono.fromCallable(() -> {
                        assertThat(pool.getObject().stopRunning(job.id(), JobState.CANCELLED))
                                .as("the run is still on").isTrue();
                        return false;
                    }));
        }
    }

    private final WebTestClient http;
    private final ScriptedStages stages;

    // A new instance per test: the stages start each test unscripted.
    CancelDuringRetryTest(@Autowired WebTestClient http, @Autowired ScriptedStages stages) {
        this.http = http;
        this.stages = stages;
        stages.reset();
    }

    @Test
    void aCancelThatComesWhileTheRetryIsStoredEndsTheJobAndItDoesNotRunAgain() {
        stages.script(StageName.SUMMARY, ctx -> Flux.error(new TimeoutException("store timed out")));
        String session = (String) http.post().uri("/api/v1/sessions")
                .bodyValue(Fixtures.session("Notes only", "Some notes.", null)).exchange()
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("id");
        String job = (String) http.post().uri("/api/v1/sessions/{id}/enrichments", session)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"stages\":[\"summary\"]}").exchange()
                .expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody().get("jobId");

        await().atMost(Duration.ofSeconds(10)).until(() -> state(job), "cancelled"::equals);

        // Its wait (20-50 ms) ends meanwhile; a run would start the stage a second time.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> stages.started(StageName.SUMMARY) == 1 && "cancelled".equals(state(job)));
    }

    private String state(String job) {
        return (String) http.get().uri("/api/v1/jobs/{id}", job).exchange().expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody().get("state");
    }
}
