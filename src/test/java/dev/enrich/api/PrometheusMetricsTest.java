package dev.enrich.api;

import static dev.enrich.testing.SseClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.pipeline.StageName;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import dev.enrich.testing.SseClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Read the operators' meters where Prometheus scrapes them ({@code GET /actuator/prometheus}, ADMIN only): jobs by
 * outcome, stage durations, queue wait, event delivery lag and open streams, as they move while real jobs run.
 */
@ServiceTest
class PrometheusMetricsTest {

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    SseClient client;

    @BeforeEach
    void reset() {
        stages.reset();
        client = new SseClient(port, http);
    }

    @Test
    void jobsCountByOutcomeAndTheirStagesQueueWaitAndDeliveryAreTimed() {
        Scrape before = scrape();
        Disposable watching = client.events("/api/v1/events", null).subscribe();
        try {
            String completed = client.audioJob();
            awaitState(completed, "completed");
            stages.script(StageName.AUDIO, ctx -> Flux.error(new IllegalStateException("scripted failure")));
            String failed = client.audioJob();
            awaitState(failed, "failed");
            stages.script(StageName.AUDIO, ctx -> ScriptedStages.forever(StageName.AUDIO, Duration.ofMillis(20)));
            String cancelled = client.audioJob();
            await().atMost(TIMEOUT).until(() -> "running".equals(client.jobState(cancelled)));
            http.delete().uri("/api/v1/jobs/{id}", cancelled).exchange().expectStatus().is2xxSuccessful();
            awaitState(cancelled, "cancelled");
        } finally {
            watching.dispose();
        }

        Scrape after = scrape();
        assertThat(after.delta(before, "enrich_jobs_total", "outcome=\"completed\"")).isEqualTo(1);
        assertThat(after.delta(before, "enrich_jobs_total", "outcome=\"failed\"")).isEqualTo(1);
        assertThat(after.delta(before, "enrich_jobs_total", "outcome=\"cancelled\"")).isEqualTo(1);
        assertThat(after.value("enrich_jobs_total", "outcome=\"interrupted\"")).isNotNegative();
        assertThat(after.delta(before, "enrich_stage_duration_seconds_count", "stage=\"audio\"",
                "state=\"succeeded\"")).isEqualTo(1);
        assertThat(after.delta(before, "enrich_stage_duration_seconds_count", "stage=\"audio\"",
                "state=\"failed\"")).isEqualTo(1);
        assertThat(after.delta(before, "enrich_queue_wait_seconds_count")).isEqualTo(3);
        // Every event of the three jobs went out on the open user stream.
        assertThat(after.delta(before, "enrich_event_delivery_lag_seconds_count")).isGreaterThanOrEqualTo(6);
        // The meters that were there before stay: pool, queue.
        assertThat(after.value("enrich_pool_busy")).isNotNegative();
        assertThat(after.value("enrich_pool_queued")).isNotNegative();
        assertThat(after.value("enrich_pool_acquisition_seconds_count")).isPositive();
    }

    @Test
    void theStreamGaugeGoesUpWhileStreamsAreOpenAndDownWhenTheyClose() {
        double base = scrape().value("enrich_sse_connections");
        Disposable first = client.events("/api/v1/events", null).subscribe();
        Disposable second = client.events("/api/v1/events", null).subscribe();
        try {
            await().atMost(TIMEOUT).until(() -> scrape().value("enrich_sse_connections") == base + 2);
            first.dispose();
            await().atMost(TIMEOUT).until(() -> scrape().value("enrich_sse_connections") == base + 1);
        } finally {
            first.dispose();
            second.dispose();
        }
        await().atMost(TIMEOUT).until(() -> scrape().value("enrich_sse_connections") == base);
    }

    private void awaitState(String job, String state) {
        await().atMost(TIMEOUT).until(() -> client.jobState(job), state::equals);
    }

    private Scrape scrape() {
        String text = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return new Scrape(Arrays.asList(text.split("\n")));
    }

    /** One scrape of the Prometheus text format. */
    private record Scrape(List<String> lines) {

        /** Return the sample of {@code name} whose labels include {@code labels}; fail when there is none. */
        double value(String name, String... labels) {
            return lines.stream()
                    .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                    .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no sample " + name + " " + List.of(labels) + " in:\n"
                            + String.join("\n", lines.stream().filter(l -> l.startsWith("enrich")).toList())));
        }

        /** Return how much a sample grew since {@code before}; a sample absent then counts from 0. */
        double delta(Scrape before, String name, String... labels) {
            double then;
            try {
                then = before.value(name, labels);
            } catch (AssertionError absent) {
                then = 0;
            }
            return value(name, labels) - then;
        }
    }
}
