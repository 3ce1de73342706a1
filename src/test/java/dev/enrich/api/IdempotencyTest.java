package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.idempotency.IdempotencyStore;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.Json;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code Idempotency-Key} on the submissions, over HTTP on the memory backend: a retry gets the first response and
 * creates nothing; another request under a used key is 422, a key in flight 409 with Retry-After; duplicates sent at
 * once create exactly one job or session; a failed first attempt leaves the key free; keys are per tenant.
 */
@ServiceTest
@TestPropertySource(properties = {"enrich.security.api-keys[0].sha256=" + IdempotencyTest.INITECH_SHA,
        "enrich.security.api-keys[0].tenant=initech", "enrich.security.api-keys[0].roles=USER"})
class IdempotencyTest {

    static final String INITECH = "initech-user-key-0123456789";
    static final String INITECH_SHA = "a36e64a973b803560c3d6577b8d217b9e5ec97db6c9331d83dd760317096acff";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    @Autowired
    IdempotencyStore store;

    @LocalServerPort
    int port;

    @Value("${enrich.media.dir}")
    Path media;

    private String session;

    @BeforeEach
    void upload() {
        stages.reset();
        session = ApiTestSupport.upload(http, Fixtures.session("Standup", "We shipped it.", null));
    }

    @AfterEach
    void cancelJobs() {
        ApiTestSupport.cancelUnfinishedJobs(http);
    }

    @Test
    void aRetriedEnrichmentAnswersTheFirstResponseAndStartsNoSecondJob() {
        String key = newKey();
        EntityExchangeResult<String> first = enrich(session, key, "{\"stages\":[\"summary\"],\"priority\":\"batch\"}")
                .expectStatus().isAccepted().expectHeader().doesNotExist(IdempotentSubmissions.REPLAYED)
                .expectBody(String.class).returnResult();
        String jobId = jobId(first.getResponseBody());

        // The same request: other whitespace and key order, the key as an sf-string instead of a bare token.
        EntityExchangeResult<String> again = enrich(session, "\"" + key + "\"",
                "{ \"priority\": \"batch\",\n  \"stages\": [ \"summary\" ] }")
                .expectStatus().isAccepted().expectHeader().valueEquals(IdempotentSubmissions.REPLAYED, "true")
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody(String.class).returnResult();

        assertThat(again.getResponseBody()).isEqualTo(first.getResponseBody());
        assertThat(again.getResponseHeaders().getLocation()).isEqualTo(first.getResponseHeaders().getLocation())
                .hasToString("/api/v1/jobs/" + jobId);
        assertThat(jobsOf(session)).containsExactly(jobId);
    }

    @Test
    void theSameKeyWithAnotherRequestIs422() {
        String key = newKey();
        enrich(session, key, "{\"stages\":[\"summary\"]}").expectStatus().isAccepted();
        String other = ApiTestSupport.upload(http, Fixtures.session("Retro", "Other notes.", null));

        expectProblem(enrich(session, key, "{\"stages\":[\"audio\"]}"), 422, IdempotentSubmissions.REUSED);
        expectProblem(enrich(other, key, "{\"stages\":[\"summary\"]}"), 422, IdempotentSubmissions.REUSED);
        expectProblem(http.post().uri("/api/v1/batches").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"sessionIds\":[\"" + session + "\"]}")
                .exchange(), 422, IdempotentSubmissions.REUSED);
        assertThat(jobsOf(session)).hasSize(1);
        assertThat(jobsOf(other)).isEmpty();
    }

    @Test
    void aKeyWhoseFirstRequestIsInFlightAnswers409WithRetryAfter() {
        String key = newKey();
        // Another replica's request holds the key.
        IdempotencyStore.Claim held = store.claim("default", key, Duration.ofMinutes(1)).block(WAIT);

        WebTestClient.ResponseSpec conflict = enrich(session, key, "{\"stages\":[\"summary\"]}");
        conflict.expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "5"); // the lease's rest, at most pool.retry-after
        expectProblem(conflict, 409, IdempotentSubmissions.IN_PROGRESS);
        assertThat(jobsOf(session)).isEmpty();

        store.release("default", key, ((IdempotencyStore.Acquired) held).token()).block(WAIT);
        enrich(session, key, "{\"stages\":[\"summary\"]}").expectStatus().isAccepted();
        assertThat(jobsOf(session)).hasSize(1);
    }

    @Test
    void eightEnrichmentsSentAtOnceWithOneKeyStartOneJob() {
        String key = newKey();
        Sinks.Empty<Void> gate = Sinks.empty();
        byte[] body = "{\"stages\":[\"summary\"]}".getBytes(StandardCharsets.UTF_8);
        List<CompletableFuture<ResponseEntity<String>>> sent = send(8, () -> HeldBodies.post(client(),
                "/api/v1/sessions/" + session + "/enrichments", MediaType.APPLICATION_JSON,
                HeldBodies.held(body, gate.asMono()), key));
        gate.tryEmitEmpty();

        List<ResponseEntity<String>> answers = sent.stream().map(CompletableFuture::join).toList();
        // 409 for those that came while the first ran, 202 (a replay) for those after it: both depend on timing.
        assertThat(answers).extracting(r -> r.getStatusCode().value()).isSubsetOf(202, 409).contains(202);
        assertThat(answers).filteredOn(r -> r.getStatusCode().value() == 202).extracting(ResponseEntity::getBody)
                .containsOnly(answers.stream().filter(r -> r.getStatusCode().value() == 202).findFirst()
                        .orElseThrow().getBody());
        assertThat(jobsOf(session)).hasSize(1);
    }

    @Test
    void eightUploadsSentAtOnceWithOneKeyCreateOneSession() throws IOException {
        WebClient initech = client().mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + INITECH).build();
        long before = sessionDirs("initech");
        String key = newKey();
        byte[] body = HeldBodies.session("Planning", Fixtures.wav(0.5, 8000));
        Sinks.Empty<Void> gate = Sinks.empty();

        List<CompletableFuture<ResponseEntity<String>>> sent = send(8, () -> HeldBodies.post(initech,
                "/api/v1/sessions", HeldBodies.MULTIPART, HeldBodies.held(body, gate.asMono()), key));
        // The first holds the key while its body waits at the gate: the other seven are answered meanwhile.
        Awaitility.await("seven answered while the first is in flight").atMost(WAIT)
                .until(() -> sent.stream().filter(CompletableFuture::isDone).count() == 7);
        List<ResponseEntity<String>> refused = sent.stream().filter(CompletableFuture::isDone)
                .map(CompletableFuture::join).toList();
        assertThat(refused).allSatisfy(r -> {
            assertThat(r.getStatusCode().value()).isEqualTo(409);
            assertThat(r.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
            assertThat(r.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        });
        CompletableFuture<ResponseEntity<String>> first = sent.stream().filter(f -> !f.isDone()).findFirst()
                .orElseThrow();
        gate.tryEmitEmpty();
        ResponseEntity<String> created = first.join();
        assertThat(created.getStatusCode().value()).isEqualTo(201);

        ResponseEntity<String> retry = HeldBodies.post(initech, "/api/v1/sessions", HeldBodies.MULTIPART,
                HeldBodies.whole(body), key).block(WAIT);
        assertThat(retry.getStatusCode().value()).isEqualTo(201);
        assertThat(retry.getBody()).isEqualTo(created.getBody());
        assertThat(retry.getHeaders().getLocation()).isEqualTo(created.getHeaders().getLocation());
        assertThat(retry.getHeaders().getFirst(IdempotentSubmissions.REPLAYED)).isEqualTo("true");
        assertThat(sessionDirs("initech")).isEqualTo(before + 1);

        byte[] otherAudio = HeldBodies.session("Planning", Fixtures.wav(0.6, 8000));
        ResponseEntity<String> other = HeldBodies.post(initech, "/api/v1/sessions", HeldBodies.MULTIPART,
                HeldBodies.whole(otherAudio), key).block(WAIT);
        assertThat(other.getStatusCode().value()).isEqualTo(422);
        assertThat(sessionDirs("initech")).isEqualTo(before + 1);
    }

    @Test
    void aFailedFirstAttemptReleasesTheKey() {
        String key = newKey();
        expectProblem(enrich("no-such-session", key, "{\"stages\":[\"summary\"]}"), 404,
                "We couldn't find that session.");
        enrich(session, key, "{\"stages\":[\"summary\"]}").expectStatus().isAccepted()
                .expectHeader().doesNotExist(IdempotentSubmissions.REPLAYED);

        String uploadKey = newKey();
        http.post().uri("/api/v1/sessions").header("Idempotency-Key", uploadKey)
                .bodyValue(Fixtures.session("", "No title.", null)).exchange().expectStatus().isBadRequest();
        http.post().uri("/api/v1/sessions").header("Idempotency-Key", uploadKey)
                .bodyValue(Fixtures.session("Titled", "Now with a title.", null)).exchange()
                .expectStatus().isCreated().expectHeader().doesNotExist(IdempotentSubmissions.REPLAYED);
    }

    @Test
    void aClientThatGoesAwayMidUploadReleasesTheKey() {
        String key = newKey();
        byte[] body = HeldBodies.session("Abandoned", Fixtures.wav(0.5, 8000));
        Mono<Void> never = Sinks.empty().asMono().then();
        // Two uploads that never finish: one claims the key, the other is answered 409 at once.
        List<AtomicReference<ResponseEntity<String>>> answers = List.of(new AtomicReference<>(),
                new AtomicReference<>());
        List<Disposable> uploads = answers.stream().map(answer -> HeldBodies.post(client(), "/api/v1/sessions",
                HeldBodies.MULTIPART, HeldBodies.held(body, never), key).subscribe(answer::set)).toList();
        Awaitility.await("one answered").atMost(WAIT).until(() -> answers.stream().anyMatch(a -> a.get() != null));
        int answered = answers.get(0).get() != null ? 0 : 1;
        assertThat(answers.get(answered).get().getStatusCode().value()).isEqualTo(409);

        uploads.get(1 - answered).dispose();

        Awaitility.await("the key free once the server saw its client go").atMost(WAIT)
                .until(() -> HeldBodies.post(client(), "/api/v1/sessions", HeldBodies.MULTIPART,
                        HeldBodies.whole(body), key).block(WAIT).getStatusCode().value() == 201);
    }

    @Test
    void aMalformedKeyIs400ProblemJsonAndStartsNothing() {
        for (String bad : List.of("", "\"\"", "x".repeat(256), "\"unterminated", "two words", "\"bad\\escape\"",
                "\"a\";param=1")) {
            expectProblem(enrich(session, bad, "{\"stages\":[\"summary\"]}"), 400, IdempotencyKey.MALFORMED);
        }
        expectProblem(http.post().uri("/api/v1/sessions/{id}/enrichments", session)
                .header("Idempotency-Key", "one", "two").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"stages\":[\"summary\"]}").exchange(), 400, IdempotencyKey.MALFORMED);
        expectProblem(http.post().uri("/api/v1/sessions").header("Idempotency-Key", "")
                .bodyValue(Fixtures.session("Keyless", "Notes.", null)).exchange(), 400, IdempotencyKey.MALFORMED);
        assertThat(jobsOf(session)).isEmpty();

        enrich(session, "x".repeat(255), "{\"stages\":[\"summary\"]}").expectStatus().isAccepted();
        enrich(session, "\"say \\\"hi\\\" \\\\ bye\"", "{\"stages\":[\"summary\"]}").expectStatus().isAccepted();
        assertThat(jobsOf(session)).hasSize(2);
    }

    @Test
    void keysOfTwoTenantsDoNotCollide() {
        WebTestClient initech = http.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + INITECH).build();
        String theirs = ApiTestSupport.upload(initech, Fixtures.session("Theirs", "Their notes.", null));
        String key = newKey();

        String ours = jobId(enrich(session, key, "{\"stages\":[\"summary\"]}").expectStatus().isAccepted()
                .expectBody(String.class).returnResult().getResponseBody());
        String their = (String) initech.post().uri("/api/v1/sessions/{id}/enrichments", theirs)
                .header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"stages\":[\"audio\"]}").exchange().expectStatus().isAccepted()
                .expectHeader().doesNotExist(IdempotentSubmissions.REPLAYED)
                .expectBody(ApiTestSupport.MAP).returnResult().getResponseBody().get("jobId");

        assertThat(their).isNotEqualTo(ours);
        assertThat(jobsOf(session)).containsExactly(ours);
        ApiTestSupport.cancelUnfinishedJobs(initech);
    }

    @Test
    void aRetriedBatchAnswersTheFirstResponseAndStartsNoSecondBatch() {
        String other = ApiTestSupport.upload(http, Fixtures.session("Retro", "Other notes.", null));
        String key = newKey();
        String body = "{\"sessionIds\":[\"" + session + "\",\"" + other + "\"],\"stages\":[\"summary\"]}";

        EntityExchangeResult<String> first = batch(key, body).expectStatus().isAccepted()
                .expectBody(String.class).returnResult();
        EntityExchangeResult<String> again = batch(key, body).expectStatus().isAccepted()
                .expectHeader().valueEquals(IdempotentSubmissions.REPLAYED, "true")
                .expectBody(String.class).returnResult();

        assertThat(again.getResponseBody()).isEqualTo(first.getResponseBody());
        assertThat(again.getResponseHeaders().getLocation()).isEqualTo(first.getResponseHeaders().getLocation());
        assertThat(jobsOf(session)).hasSize(1);
        assertThat(jobsOf(other)).hasSize(1);
    }

    private WebTestClient.ResponseSpec enrich(String sessionId, String key, String json) {
        return http.post().uri("/api/v1/sessions/{id}/enrichments", sessionId).header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private WebTestClient.ResponseSpec batch(String key, String json) {
        return http.post().uri("/api/v1/batches").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private List<String> jobsOf(String sessionId) {
        return ApiTestSupport.jobs(http).stream().filter(j -> sessionId.equals(j.get("sessionId")))
                .map(j -> (String) j.get("id")).toList();
    }

    private static String jobId(String body) {
        return (String) Json.mapper().readValue(body, Map.class).get("jobId");
    }

    private WebClient client() {
        return HeldBodies.client(port);
    }

    private long sessionDirs(String tenant) throws IOException {
        Path dir = media.resolve(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(tenant.getBytes(StandardCharsets.UTF_8)));
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> sessions = Files.list(dir)) {
            return sessions.count();
        }
    }

    private static List<CompletableFuture<ResponseEntity<String>>> send(int n,
            Supplier<Mono<ResponseEntity<String>>> request) {
        return IntStream.range(0, n).mapToObj(i -> request.get().toFuture()).toList();
    }

    private static void expectProblem(WebTestClient.ResponseSpec spec, int status, String detail) {
        Map<String, Object> problem = spec.expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(ApiTestSupport.MAP).returnResult().getResponseBody();
        assertThat(problem).containsEntry("status", status).containsEntry("detail", detail);
    }

    private static String newKey() {
        return UUID.randomUUID().toString();
    }
}
