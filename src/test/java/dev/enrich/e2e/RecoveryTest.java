package dev.enrich.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.fake.FakeOpenAiServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Recovery figures: 1,000 jobs (summary + canvas, two AI chat calls each) against the fake provider failing 20% of
 * calls with transient faults. Backoff is compressed to milliseconds so the run takes seconds; the retry and breaker
 * logic is the production one, with the default retry count and breaker settings. Prints the figures the closing note
 * reports. The default is four retries because three recover only 99.2 % on average at 20 % faults, too close to
 * the 99 % target for a stable guarantee; run with {@code -Denrich.resilience.retry.max-retries=3} to see it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "enrich.media.dir=${java.io.tmpdir}/enrich-recovery-media", "enrich.pool.concurrency=16",
        "enrich.pool.queue-capacity=2000", "enrich.limits.max-queued-jobs=2000",
        "enrich.limits.requests-per-second=100000", "enrich.resilience.retry.first-backoff=5ms",
        "enrich.resilience.retry.max-backoff=50ms", "enrich.resilience.retry.max-retry-after=50ms",
        "enrich.resilience.timeout=5s"})
@AutoConfigureWebTestClient(timeout = "PT60S")
class RecoveryTest {

    private static final int JOBS = 1000;

    static FakeOpenAiServer ai = FakeOpenAiServer.start(new FakeOpenAiServer.Options(0, Duration.ZERO, 0.2,
            EnumSet.of(FakeOpenAiServer.Fault.RATE_LIMITED, FakeOpenAiServer.Fault.SERVER_ERROR,
                    FakeOpenAiServer.Fault.UNAVAILABLE, FakeOpenAiServer.Fault.RESET), 2026, null, "1"));

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
    void thousandJobsWithTwentyPercentTransientFaultsAllEndUsefully() {
        String session = E2e.uploadNotes(http, "Standup", "We shipped the upload. The release went well. "
                + "We need to fix the flaky test. I'll write the notes.");
        List<String> jobs = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < JOBS; i++) {
            // A distinct priority-free request per job; the AI cache is per job, so every job calls the provider.
            jobs.add(E2e.enrich(http, session, "{\"stages\":[\"summary\",\"canvas\"]}"));
        }
        E2e.awaitIdle(http, Duration.ofMinutes(5));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        Map<String, Long> states = E2e.states(http, jobs);
        Map<String, Object> resilience = http.get().uri("/api/v1/resilience").exchange().expectStatus().isOk()
                .expectBody(E2e.MAP).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> deps = (List<Map<String, Object>>) resilience.get("dependencies");
        long succeeded = deps.stream().mapToLong(d -> ((Number) d.get("retriesSucceeded")).longValue()).sum();
        long exhausted = deps.stream().mapToLong(d -> ((Number) d.get("retriesExhausted")).longValue()).sum();
        long requests = ai.requests().size();
        double recovered = succeeded + exhausted == 0 ? 1.0 : (double) succeeded / (succeeded + exhausted);

        System.out.printf("RECOVERY jobs=%d took=%ds states=%s providerRequests=%d transientlyFailedCalls=%d "
                        + "recoveredOnRetry=%d (%.2f%%) breakers=%s%n", JOBS, took.toSeconds(), states, requests,
                succeeded + exhausted, succeeded, 100 * recovered,
                deps.stream().map(d -> d.get("name") + ":" + d.get("state")).collect(Collectors.joining(",")));
        assertThat(states.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(JOBS);
        assertThat(states).doesNotContainKeys("failed", "queued", "running");
        assertThat(states.getOrDefault("completed", 0L)).isGreaterThanOrEqualTo((long) (JOBS * 0.97));
        assertThat(recovered).isGreaterThanOrEqualTo(0.99);
    }
}
