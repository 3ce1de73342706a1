package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.EnrichApplication;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.Json;
import dev.enrich.testing.RedisServer;
import dev.enrich.testing.TestStagesConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Sinks;

/**
 * Two replicas (application contexts of their own) on one real redis-server share Idempotency-Keys: a retry on the
 * other replica gets the first response and creates nothing, and a key in flight on one is in flight on both for as
 * long as its request runs (the claim is renewed), however short the lease.
 */
class RedisIdempotencyReplicasTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    // Short, so that a claim that was not renewed would run out during a test.
    private static final Duration LEASE = Duration.ofMillis(900);
    private static final ParameterizedTypeReference<List<Map<String, Object>>> LIST =
            new ParameterizedTypeReference<>() {};

    private static Path dir;
    private static RedisServer redis;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("enrich-idempotency-replicas");
        redis = RedisServer.start(dir.resolve("redis"), true);
        a = replica("a");
        b = replica("b");
    }

    @AfterAll
    static void stop() throws IOException {
        for (ConfigurableApplicationContext replica : new ConfigurableApplicationContext[] {a, b}) {
            if (replica != null) {
                replica.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
        FileSystemUtils.deleteRecursively(dir);
    }

    @Test
    void aRetryOnTheOtherReplicaGetsTheFirstResponseAndStartsNoSecondJob() {
        String session = upload(client(a));
        String key = UUID.randomUUID().toString();
        byte[] body = "{\"stages\":[\"summary\"]}".getBytes();
        String path = "/api/v1/sessions/" + session + "/enrichments";

        ResponseEntity<String> first = HeldBodies.post(client(a), path, MediaType.APPLICATION_JSON,
                HeldBodies.whole(body), key).block(WAIT);
        ResponseEntity<String> retry = HeldBodies.post(client(b), path, MediaType.APPLICATION_JSON,
                HeldBodies.whole(body), key).block(WAIT);

        assertThat(first.getStatusCode().value()).isEqualTo(202);
        assertThat(retry.getStatusCode().value()).isEqualTo(202);
        assertThat(retry.getBody()).isEqualTo(first.getBody());
        assertThat(retry.getHeaders().getLocation()).isEqualTo(first.getHeaders().getLocation());
        assertThat(retry.getHeaders().getFirst(IdempotentSubmissions.REPLAYED)).isEqualTo("true");
        String jobId = (String) Json.mapper().readValue(first.getBody(), Map.class).get("jobId");
        assertThat(jobsOf(client(b), session)).containsExactly(jobId);
        assertThat(redis.command("EXISTS enrich:{tenant:default}:idempotency:" + key)).isEqualTo(":1");

        ResponseEntity<String> other = HeldBodies.post(client(b), path, MediaType.APPLICATION_JSON,
                HeldBodies.whole("{\"stages\":[\"audio\"]}".getBytes()), key).block(WAIT);
        assertThat(other.getStatusCode().value()).isEqualTo(422);
    }

    @Test
    void anUploadInFlightOnOneReplicaIsInFlightOnTheOtherThenAnsweredByBoth() {
        String key = UUID.randomUUID().toString();
        byte[] body = HeldBodies.session("Planning", Fixtures.wav(0.5, 8000));
        Sinks.Empty<Void> gate = Sinks.empty();
        CompletableFuture<ResponseEntity<String>> onA = HeldBodies.post(client(a), "/api/v1/sessions",
                HeldBodies.MULTIPART, HeldBodies.held(body, gate.asMono()), key).toFuture();
        Awaitility.await("the key claimed on a").atMost(WAIT)
                .until(() -> redis.command("EXISTS enrich:{tenant:default}:idempotency:" + key).equals(":1"));

        // The upload on a renews its claim: b answers 409 for as long as it runs, well past the first lease.
        Awaitility.await("b refuses while a's upload runs").during(LEASE.multipliedBy(3)).atMost(WAIT)
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    ResponseEntity<String> onB = HeldBodies.post(client(b), "/api/v1/sessions",
                            HeldBodies.MULTIPART, HeldBodies.whole(body), key).block(WAIT);
                    return onB.getStatusCode().value() == 409
                            && "1".equals(onB.getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
                });
        assertThat(onA).isNotDone();

        gate.tryEmitEmpty();
        ResponseEntity<String> created = onA.join();
        assertThat(created.getStatusCode().value()).isEqualTo(201);
        ResponseEntity<String> retry = HeldBodies.post(client(b), "/api/v1/sessions", HeldBodies.MULTIPART,
                HeldBodies.whole(body), key).block(WAIT);
        assertThat(retry.getStatusCode().value()).isEqualTo(201);
        assertThat(retry.getBody()).isEqualTo(created.getBody());
        assertThat(retry.getHeaders().getLocation()).isEqualTo(created.getHeaders().getLocation());
    }

    private static ConfigurableApplicationContext replica(String name) {
        return new SpringApplicationBuilder(EnrichApplication.class, TestStagesConfiguration.class)
                .run("--server.port=0", "--enrich.backend=redis", "--spring.data.redis.host=127.0.0.1",
                        "--spring.data.redis.port=" + redis.port(), "--enrich.redis.queue.consumer=" + name,
                        "--enrich.media.dir=" + dir.resolve("media"), "--enrich.pool.drain-timeout=1s",
                        "--enrich.idempotency.lease=" + LEASE.toMillis() + "ms");
    }

    private static WebClient client(ConfigurableApplicationContext replica) {
        return HeldBodies.client(((WebServerApplicationContext) replica).getWebServer().getPort());
    }

    private static String upload(WebClient client) {
        Map<?, ?> session = client.post().uri("/api/v1/sessions")
                .bodyValue(Fixtures.session("Standup", "We shipped it.", null)).retrieve().bodyToMono(Map.class)
                .block(WAIT);
        return (String) session.get("id");
    }

    private static List<String> jobsOf(WebClient client, String session) {
        return client.get().uri("/api/v1/jobs?limit=500").retrieve().bodyToMono(LIST).block(WAIT).stream()
                .filter(j -> session.equals(j.get("sessionId"))).map(j -> (String) j.get("id")).toList();
    }
}
