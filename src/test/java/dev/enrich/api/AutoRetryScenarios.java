package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.events.EventPublisher;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Jobs whose stages failed for a transient cause run again by themselves: checkpointed stages are not rerun, watchers
 * hear a friendly {@code retrying} event, and after {@code enrich.jobs.max-attempts} runs the job ends as a dead
 * letter. Permanent failures wait for a person. Backends run these with {@code enrich.jobs.max-attempts=3},
 * {@code first-backoff=20ms}, {@code max-backoff=50ms} ({@link AutoRetryTest}: memory; {@link RedisAutoRetryTest}).
 */
abstract class AutoRetryScenarios {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    @Autowired
    EventPublisher events;

    private final List<JobEvent> heard = new CopyOnWriteArrayList<>();
    private Disposable listening;

    @BeforeEach
    void listen() {
        stages.reset();
        listening = events.published().subscribe(heard::add);
    }

    @AfterEach
    void stop() {
        listening.dispose();
    }

    @Test
    void aTransientStageFailureRetriesByItselfWithoutRerunningCheckpointedStages() {
        AtomicInteger audioRuns = new AtomicInteger();
        stages.script(StageName.AUDIO, ctx -> audioRuns.incrementAndGet() == 1
                ? Flux.error(new TimeoutException("decoder read timed out"))
                : ScriptedStages.ticks(StageName.AUDIO, 2, Duration.ofMillis(5)));
        String session = ApiTestSupport.upload(http, Fixtures.session("Retro", "We shipped it.", Fixtures.wav(1, 8000)));
        String job = ApiTestSupport.enrich(http, session, "{\"stages\":[\"audio\",\"summary\"]}");

        Map<String, Object> done = waitFor(job, "completed");

        assertThat(done.get("attempt")).isEqualTo(2);
        assertThat((List<?>) done.get("history")).singleElement().asString().contains("partial");
        assertThat(stages.started(StageName.AUDIO)).isEqualTo(2);
        assertThat(stages.started(StageName.SUMMARY)).as("checkpointed, not rerun").isEqualTo(1);
        List<JobEvent> retrying = ofJob(job).stream().filter(e -> e.type() == EventType.RETRYING).toList();
        assertThat(retrying).singleElement().satisfies(e -> {
            assertThat(e.message()).matches("Something went wrong\\. Retrying in \\ds\\.\\.\\.");
            assertThat(e.stage()).isEqualTo("audio");
            assertThat(e.detail()).isEqualTo(new JobEvent.RetryDetail(2, 3, 1));
        });
        assertThat(ofJob(job)).as("no end before the last run").filteredOn(e -> e.type().isTerminal())
                .extracting(JobEvent::type).containsExactly(EventType.COMPLETED);
    }

    @Test
    void aJobThatKeepsFailingTransientlyIsDeadLetteredAfterMaxAttempts() {
        stages.script(StageName.SUMMARY, ctx -> Flux.error(new TimeoutException("store timed out")));
        String job = notesJob(ApiTestSupport.upload(http, Fixtures.session("Notes only", "Some notes.", null)));

        Map<String, Object> done = waitFor(job, "failed");

        assertThat(done.get("attempt")).isEqualTo(3);
        assertThat((List<?>) done.get("history")).hasSize(2);
        assertThat(stages.started(StageName.SUMMARY)).isEqualTo(3);
        assertThat(ofJob(job)).filteredOn(e -> e.type() == EventType.RETRYING).hasSize(2)
                .allSatisfy(e -> assertThat(e.message()).doesNotContainIgnoringCase("cost").doesNotContain("$"));
        List<Map<String, Object>> dead = http.get().uri("/api/v1/jobs?state=failed").exchange()
                .expectStatus().isOk().expectBody(ApiTestSupport.LIST).returnResult().getResponseBody();
        assertThat(dead).anySatisfy(j -> assertThat(j.get("id")).isEqualTo(job));
    }

    @Test
    void aPermanentFailureWaitsForAPerson() {
        stages.script(StageName.SUMMARY, ctx -> Flux.error(new IllegalStateException("bad input")));
        String job = notesJob(ApiTestSupport.upload(http, Fixtures.session("Notes only", "Some notes.", null)));

        Map<String, Object> done = waitFor(job, "failed");

        assertThat(done.get("attempt")).isEqualTo(1);
        assertThat(stages.started(StageName.SUMMARY)).isEqualTo(1);
        assertThat(ofJob(job)).noneMatch(e -> e.type() == EventType.RETRYING);
    }

    private List<JobEvent> ofJob(String job) {
        return heard.stream().filter(e -> job.equals(e.jobId())).toList();
    }

    /** Return a new summary-only job of {@code session}. */
    String notesJob(String session) {
        return ApiTestSupport.enrich(http, session, "{\"stages\":[\"summary\"]}");
    }

    Map<String, Object> waitFor(String job, String state) {
        return Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> ApiTestSupport.job(http, job), j -> state.equals(j.get("state")));
    }
}
