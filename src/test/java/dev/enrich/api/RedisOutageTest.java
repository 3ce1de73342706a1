package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.Fixtures;
import dev.enrich.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * With {@code enrich.backend=redis} and Redis hung (SIGSTOP: connections stay open, nothing answers) or down,
 * submissions answer 503 problem+json with Retry-After and readiness is DOWN (liveness stays UP); both recover by
 * themselves once Redis answers again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"enrich.backend=redis",
        "enrich.pool.retry-after=7s", "enrich.redis.queue.consumer=outage-test"})
@AutoConfigureWebTestClient(timeout = "PT60S") // a guard against hangs only: a hung command fails after 3 s
@DirtiesContext
class RedisOutageTest {

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
    private static final String UNAVAILABLE = "Enrich is temporarily unavailable. Please retry shortly.";
    private static final Path DIR = tempDir();
    private static final RedisServer REDIS = RedisServer.start(DIR.resolve("redis"), true);

    @Autowired
    WebTestClient http;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        REDIS.register(registry, DIR.resolve("media"));
    }

    // The context closes after this (@DirtiesContext), on a stopped Redis: its connections fail at once.
    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    @Test
    void submissionsAnswer503AndReadinessIsDownWhileRedisHangsThenBothRecover() {
        outageThenRecovery(REDIS::pause, REDIS::resume);
    }

    @Test
    void submissionsAnswer503AndReadinessIsDownWhileRedisIsDownThenBothRecover() {
        outageThenRecovery(REDIS::kill, REDIS::restart);
    }

    private void outageThenRecovery(Runnable fail, Runnable repair) {
        String session = uploadFollowingRetryAfter("Before", "Notes before the outage.");
        String before = enrich(session);
        assertThat(probe("readiness")).isEqualTo(200);
        assertThat(readinessComponents()).containsEntry("redis", "UP").containsEntry("mediaStore", "UP")
                .doesNotContainKey("ai");

        fail.run();
        try {
            expectUnavailable(http.post().uri("/api/v1/sessions")
                    .bodyValue(Fixtures.session("During", "Notes during the outage.", null)).exchange());
            expectUnavailable(http.post().uri("/api/v1/sessions/{id}/enrichments", session)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"stages\": [\"summary\"]}").exchange());
            expectUnavailable(http.post().uri("/api/v1/batches").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"sessionIds\": [\"" + session + "\"]}").exchange());
            Awaitility.await("readiness DOWN").atMost(Duration.ofSeconds(30)).until(() -> probe("readiness") == 503);
            // Spring Boot's own reactive Redis indicator says why (its details shown to ADMIN callers only).
            assertThat(readinessComponents()).containsEntry("redis", "DOWN").containsEntry("mediaStore", "UP");
            assertThat(probe("liveness")).as("a Redis outage is no reason to restart").isEqualTo(200);
        } finally {
            repair.run();
        }

        Awaitility.await("readiness UP again").atMost(Duration.ofSeconds(30))
                .until(() -> probe("readiness") == 200);
        String after = uploadFollowingRetryAfter("After", "Notes after the outage.");
        for (String id : new String[] {session, after}) {
            http.get().uri("/api/v1/sessions/{id}", id).exchange().expectStatus().isOk();
        }
        // Nothing accepted is lost: the job accepted before the outage and one accepted after it both complete.
        for (String job : new String[] {before, enrich(after)}) {
            Awaitility.await("job " + job + " completed").atMost(Duration.ofSeconds(60))
                    .until(() -> state(job), "completed"::equals);
        }
    }

    /**
     * Upload as a client that honours 503 + Retry-After would: a connection Redis reset is found broken by the
     * command that uses it next, which answers 503 once; anything else but 201 fails at once.
     */
    private String uploadFollowingRetryAfter(String title, String notes) {
        AtomicReference<String> id = new AtomicReference<>();
        Awaitility.await("upload accepted").atMost(Duration.ofSeconds(30)).until(() -> {
            EntityExchangeResult<Map<String, Object>> result = http.post().uri("/api/v1/sessions")
                    .bodyValue(Fixtures.session(title, notes, null)).exchange().expectBody(MAP).returnResult();
            int status = result.getStatus().value();
            assertThat(status).as("upload answered %s", result.getResponseBody()).isIn(201, 503);
            if (status == 201) {
                id.set((String) result.getResponseBody().get("id"));
            }
            return status == 201;
        });
        return id.get();
    }

    private String enrich(String session) {
        Map<?, ?> accepted = http.post().uri("/api/v1/sessions/{id}/enrichments", session)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"stages\": [\"summary\"]}").exchange()
                .expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        return (String) accepted.get("jobId");
    }

    private Object state(String job) {
        return http.get().uri("/api/v1/jobs/{id}", job).exchange().expectBody(Map.class).returnResult()
                .getResponseBody().get("state");
    }

    private static void expectUnavailable(WebTestClient.ResponseSpec spec) {
        spec.expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "7");
        // Refused by a controller or by a web filter (the shared rate limit asks Redis first): the same problem,
        // the filters' writer naming the default type explicitly.
        Map<String, Object> body = spec.expectStatus().isEqualTo(503).expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).expectBody(MAP).returnResult().getResponseBody();
        assertThat(body).containsEntry("status", 503).containsEntry("title", "Service Unavailable")
                .containsEntry("detail", UNAVAILABLE);
        assertThat(body.get("type")).isIn(null, "about:blank");
    }

    private int probe(String group) {
        return http.get().uri("/actuator/health/{group}", group).exchange().returnResult(Map.class).getStatus()
                .value();
    }

    // The readiness group's members and their statuses, as an ADMIN caller (the test key) sees them.
    private Map<String, Object> readinessComponents() {
        Map<String, Object> body = http.get().uri("/actuator/health/readiness").exchange().expectBody(MAP)
                .returnResult().getResponseBody();
        Map<String, Object> statuses = new java.util.TreeMap<>();
        ((Map<?, ?>) body.get("components")).forEach((name, component) ->
                statuses.put((String) name, ((Map<?, ?>) component).get("status")));
        return statuses;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("enrich-redis-outage");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
