package dev.enrich.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.fake.FakeOpenAiServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A full AI outage: every job still ends PARTIAL with its basic summary, and once the breaker opens the provider sees
 * no more calls (one job at a time, so the count is bounded by the breaker's threshold of failed calls).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "enrich.media.dir=${java.io.tmpdir}/enrich-outage-media", "enrich.pool.concurrency=1",
        "enrich.resilience.retry.first-backoff=5ms", "enrich.resilience.retry.max-backoff=20ms",
        "enrich.resilience.retry.max-retry-after=20ms"})
@AutoConfigureWebTestClient(timeout = "PT60S")
class OutageTest {

    private static final int JOBS = 50;

    static FakeOpenAiServer ai = FakeOpenAiServer.start(new FakeOpenAiServer.Options(0, Duration.ZERO, 1.0,
            EnumSet.of(FakeOpenAiServer.Fault.UNAVAILABLE), 1, null, "1"));

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
    void everyJobEndsPartialAndTheBreakerCapsCallsToTheDeadService() {
        String session = E2e.uploadNotes(http, "Standup", "We shipped it. We need to fix the flaky test.");
        List<String> jobs = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(E2e.enrich(http, session, "{\"stages\":[\"summary\"]}"));
        }
        E2e.awaitIdle(http, Duration.ofSeconds(60));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        Map<String, Long> states = E2e.states(http, jobs);
        System.out.printf("OUTAGE jobs=%d took=%dms states=%s providerRequests=%d%n", JOBS, took.toMillis(), states,
                ai.requests().size());
        assertThat(states).containsExactly(Map.entry("partial", (long) JOBS));
        // The breaker counts calls: 5 failed calls in a row, each its 5 attempts (1 + 4 retries), open it; at most the
        // 2 half-open probe calls, with their attempts, follow. Without it: 50 calls x 5 attempts.
        assertThat(ai.requests()).hasSizeLessThanOrEqualTo(5 * 5 + 2 * 5);
        String results = http.get().uri("/api/v1/sessions/{id}/enrichment", session).exchange()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(results).contains("basic summary was used").contains("We need to fix the flaky test");
    }
}
