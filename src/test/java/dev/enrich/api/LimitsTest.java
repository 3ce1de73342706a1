package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.pipeline.StageName;
import dev.enrich.security.ApiKeys;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import dev.enrich.testing.TestAuthAutoConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Per-tenant and per-user limits: requests per second, queued jobs, running jobs, open streams and batch size.
 * Going over answers 429 with Retry-After and a friendly problem; other tenants are not affected.
 */
@ServiceTest
@TestPropertySource(properties = {"enrich.pool.concurrency=2", "enrich.limits.requests-per-second=20",
        "enrich.limits.max-queued-jobs=2", "enrich.limits.max-running-jobs=1", "enrich.limits.streams-per-user=2",
        "enrich.limits.max-batch-size=2"})
class LimitsTest {

    private static final String OTHER_KEY = "limits-test-other-tenant-key";
    /** A tenant of its own for the request-rate burst, so no other test of this class meets its empty bucket. */
    private static final String BURST_KEY = "limits-test-burst-tenant-key";

    @DynamicPropertySource
    static void otherTenant(DynamicPropertyRegistry registry) {
        // Both in one source: a list is bound from the single highest source that has any of it.
        registry.add("enrich.security.api-keys[0].sha256", () -> ApiKeys.sha256(OTHER_KEY));
        registry.add("enrich.security.api-keys[0].tenant", () -> "other");
        registry.add("enrich.security.api-keys[1].sha256", () -> ApiKeys.sha256(BURST_KEY));
        registry.add("enrich.security.api-keys[1].tenant", () -> "burst");
    }

    @Autowired
    WebTestClient http;

    @LocalServerPort
    int port;

    @Autowired
    ScriptedStages stages;

    WebTestClient other;

    @BeforeEach
    void blockTheSummaryStage() {
        stages.reset();
        stages.script(StageName.SUMMARY, ctx -> ScriptedStages.forever(StageName.SUMMARY, Duration.ofMillis(20)));
        other = http.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + OTHER_KEY).build();
    }

    @AfterEach
    void cancelEverything() {
        ApiTestSupport.cancelUnfinishedJobs(http);
        ApiTestSupport.cancelUnfinishedJobs(other);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> stages.active() == 0);
        stages.reset();
    }

    @Test
    void aTenantOverItsRequestRateGets429WhileOthersGoOn() {
        WebTestClient flooder = http.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + BURST_KEY)
                .build();
        List<FluxExchangeResult<String>> burst = Flux.range(0, 60)
                .flatMap(i -> Flux.just(flooder.get().uri("/api/v1/jobs?limit=1").exchange()
                        .returnResult(String.class)), 8)
                .collectList().block(Duration.ofSeconds(30));
        List<FluxExchangeResult<String>> limited = burst.stream()
                .filter(r -> r.getStatus().value() == 429).toList();

        // How many pass per period is counted exactly in TenantRateLimitFilterTest, in a time it moves by hand;
        // here: a burst over the limit meets 429s, answered as the problem below, and nothing else.
        assertThat(limited).isNotEmpty();
        assertThat(burst).extracting(r -> r.getStatus().value()).containsOnly(200, 429);
        FluxExchangeResult<String> first = limited.get(0);
        assertThat(first.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(first.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(first.getResponseBody().blockLast(Duration.ofSeconds(5)))
                .contains("You're sending requests faster than we can take them.");

        other.get().uri("/api/v1/jobs?limit=1").exchange().expectStatus().isOk();
        http.get().uri("/api/v1/jobs?limit=1").exchange().expectStatus().isOk();
    }

    @Test
    void queuedAndRunningJobsAreCappedPerTenant() {
        String session = ApiTestSupport.upload(http, Fixtures.session("Mine", "Notes.", null));
        String running = ApiTestSupport.enrich(http, session, "{\"stages\": [\"summary\"]}");
        String waiting = ApiTestSupport.enrich(http, session, "{\"stages\": [\"summary\"]}");
        ApiTestSupport.enrich(http, session, "{\"stages\": [\"summary\"]}");

        // One of ours runs; the second slot stays free for others, so ours wait although a slot is idle.
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> "running".equals(ApiTestSupport.job(http, running).get("state")));
        assertThat(ApiTestSupport.job(http, waiting).get("state")).isEqualTo("queued");

        http.post().uri("/api/v1/sessions/{id}/enrichments", session).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"stages\": [\"summary\"]}").exchange()
                .expectStatus().isEqualTo(HttpStatusCode.valueOf(429))
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.detail").isEqualTo(
                        "You have a lot of sessions waiting already. Please try again when some have finished.");

        String theirs = ApiTestSupport.enrich(other, ApiTestSupport.upload(other,
                Fixtures.session("Theirs", "Notes.", null)), "{\"stages\": [\"summary\"]}");
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> "running".equals(ApiTestSupport.job(other, theirs).get("state")));
        assertThat(ApiTestSupport.job(http, waiting).get("state")).isEqualTo("queued");
    }

    @Test
    void aUserHoldsAtMostTwoOpenStreams() {
        // Plain WebClient streams: nothing records their bodies, and cancelling one closes its connection.
        WebClient web = WebClient.builder().baseUrl("http://localhost:" + port)
                .defaultHeader(HttpHeaders.AUTHORIZATION, TestAuthAutoConfiguration.BEARER).build();
        List<String> firstEvents = new CopyOnWriteArrayList<>();
        List<String> secondEvents = new CopyOnWriteArrayList<>();
        Disposable first = web.get().uri("/api/v1/events").retrieve().bodyToFlux(String.class)
                .subscribe(firstEvents::add);
        Disposable second = web.get().uri("/api/v1/events").retrieve().bodyToFlux(String.class)
                .subscribe(secondEvents::add);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> !firstEvents.isEmpty() && !secondEvents.isEmpty()); // both snapshots arrived
            http.get().uri("/api/v1/events").exchange().expectStatus().isEqualTo(HttpStatusCode.valueOf(429))
                    .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                    .expectBody().jsonPath("$.detail")
                    .isEqualTo("You have a lot of live views open. Close one and try again.");
            other.get().uri("/api/v1/events").exchange().returnResult(String.class).getResponseBody()
                    .next().block(Duration.ofSeconds(10)); // another user is not affected
        } finally {
            first.dispose();
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status(http) == 200);
        second.dispose();
    }

    @Test
    void batchesAreCappedInSize() {
        String a = ApiTestSupport.upload(http, Fixtures.session("A", "Notes.", null));
        String b = ApiTestSupport.upload(http, Fixtures.session("B", "Notes.", null));
        String c = ApiTestSupport.upload(http, Fixtures.session("C", "Notes.", null));
        http.post().uri("/api/v1/batches").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sessionIds", List.of(a, b, c))).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").isEqualTo("A batch holds at most 2 sessions.");
    }

    // Open a user stream, read its first line, close it; return the status.
    private static int status(WebTestClient client) {
        FluxExchangeResult<String> result = client.get().uri("/api/v1/events").exchange().returnResult(String.class);
        int status = result.getStatus().value();
        if (status == 200) {
            result.getResponseBody().next().block(Duration.ofSeconds(5));
        }
        return status;
    }
}
