package dev.enrich.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.security.ApiKeys;
import dev.enrich.stage.audio.WavFixtures;
import dev.enrich.testing.CostWording;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * No cost in front of users: collect everything a user can read from a faulty run (job, batch and user SSE
 * payloads with retries, degraded stages, a paused AI budget and a broken upload; job, result and canvas bodies;
 * problem+json bodies of every kind of refusal; the page's static assets and the canvas template) and fail on any
 * {@link CostWording}. Costs themselves are being recorded meanwhile (backend).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "enrich.media.dir=${java.io.tmpdir}/enrich-wording-media", "enrich.resilience.retry.first-backoff=5ms",
        "enrich.resilience.retry.max-backoff=20ms", "enrich.resilience.retry.max-retry-after=20ms",
        "enrich.cost.budgets.tenants.paused.daily=0"})
@AutoConfigureWebTestClient(timeout = "PT60S")
class UserFacingWordingTest {

    private static final String PAUSED_KEY = "wording-test-paused-tenant-key";

    static FakeOpenAiServer ai = FakeOpenAiServer.start(new FakeOpenAiServer.Options(0, Duration.ZERO, 0.3,
            EnumSet.of(FakeOpenAiServer.Fault.RATE_LIMITED, FakeOpenAiServer.Fault.UNAVAILABLE,
                    FakeOpenAiServer.Fault.SERVER_ERROR, FakeOpenAiServer.Fault.MALFORMED_JSON),
            7, null, "1"));

    @Autowired
    WebTestClient http;

    /** What users read: event payloads, response bodies, problems. */
    final List<String> texts = new ArrayList<>();
    /** What browsers run: the page's assets and the canvas template. */
    final List<String> code = new ArrayList<>();

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("enrich.ai.base-url", () -> ai.baseUrl());
        registry.add("enrich.security.api-keys[0].sha256", () -> ApiKeys.sha256(PAUSED_KEY));
        registry.add("enrich.security.api-keys[0].tenant", () -> "paused");
    }

    @AfterAll
    static void stop() {
        ai.close();
    }

    @Test
    void nothingAUserCanReadMentionsCost() throws IOException {
        WebTestClient paused = http.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + PAUSED_KEY).build();
        List<String> jobs = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        byte[] wav = WavFixtures.bytes(WavFixtures.Format.mono16(16000), 4,
                WavFixtures.bursts(16000, new double[][] {{0.5, 2}, {2.5, 3.5}}, 0.3, 300, 0.001));
        for (int i = 0; i < 8; i++) {
            String session = upload(http, "Session " + i, wav);
            sessions.add(session);
            jobs.add(E2e.enrich(http, session, "{}"));
        }
        String broken = upload(http, "Broken", Arrays.copyOf(wav, 200));
        jobs.add(E2e.enrich(http, broken, "{}"));
        String batch = (String) http.post().uri("/api/v1/batches").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sessionIds", sessions.subList(0, 2), "stages", List.of("summary", "canvas")))
                .exchange().expectStatus().isAccepted().expectBody(E2e.MAP).returnResult().getResponseBody()
                .get("batchId");
        String pausedSession = upload(paused, "Paused", wav);
        String pausedJob = E2e.enrich(paused, pausedSession, "{}");

        E2e.awaitIdle(http, Duration.ofMinutes(2));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !List.of("queued", "running")
                .contains(get(paused, "/api/v1/jobs/" + pausedJob)));

        for (String job : jobs) {
            collect(http, "/api/v1/jobs/" + job + "/events", true);
            collect(http, "/api/v1/jobs/" + job, false);
        }
        for (String session : sessions) {
            collect(http, "/api/v1/sessions/" + session + "/enrichment", false);
            collect(http, "/api/v1/sessions/" + session + "/canvas", false);
        }
        collect(http, "/api/v1/batches/" + batch, false);
        collect(http, "/api/v1/batches/" + batch + "/events", true);
        collect(paused, "/api/v1/jobs/" + pausedJob + "/events", true);
        collect(paused, "/api/v1/sessions/" + pausedSession + "/enrichment", false);
        collect(paused, "/api/v1/sessions/" + pausedSession + "/canvas", false);
        String all = String.join("\n", texts);
        assertThat(all).as("the run really retried, degraded and paused")
                .contains("Retrying in").contains("AI features are paused for now")
                .contains("Session partially enriched");

        problems();
        assets(Path.of("src/main/resources/static"));
        assets(Path.of("src/main/resources/canvas"));

        List<String> found = new ArrayList<>();
        texts.forEach(text -> found.addAll(CostWording.in(text)));
        code.forEach(asset -> found.addAll(CostWording.inCode(asset)));
        System.out.printf("WORDING texts=%d assets=%d chars=%d costWords=%d providerRequests=%d%n", texts.size(),
                code.size(), all.length(), found.size(), ai.requests().size());
        assertThat(found).isEmpty();
    }

    // Every kind of refusal a user can meet.
    private void problems() {
        WebTestClient anonymous = http.mutate().defaultHeaders(h -> h.remove(HttpHeaders.AUTHORIZATION)).build();
        List<Function<WebTestClient, WebTestClient.ResponseSpec>> requests = List.of(
                c -> c.get().uri("/api/v1/jobs/nope").exchange(),
                c -> c.post().uri("/api/v1/sessions/nope/enrichments").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"stages\":[\"smell\"]}").exchange(),
                c -> c.post().uri("/api/v1/sessions").contentType(MediaType.APPLICATION_JSON).bodyValue("{")
                        .exchange(),
                c -> c.get().uri("/api/v1/sessions/nope/thumbnails/0").exchange(),
                c -> c.get().uri("/api/v1/sessions/nope/canvas").exchange(),
                c -> c.delete().uri("/api/v1/jobs/nope").exchange(),
                c -> c.post().uri("/api/v1/batches").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"sessionIds\":[]}").exchange());
        for (Function<WebTestClient, WebTestClient.ResponseSpec> request : requests) {
            texts.add(body(request.apply(http)));
        }
        texts.add(body(http.post().uri("/api/v1/sessions").bodyValue(multipart("x", "README".getBytes(),
                "notes.wav")).exchange()));
        texts.add(body(http.post().uri("/api/v1/sessions").bodyValue(multipart("x", new byte[0], "a.wav"))
                .exchange()));
        texts.add(body(anonymous.get().uri("/api/v1/jobs").exchange()));
        texts.add(body(http.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + PAUSED_KEY).build()
                .get().uri("/api/v1/pool").exchange()));
        for (String path : List.of("/api/v1/jobs/nope", "/api/v1/sessions/nope/canvas", "/api/v1/jobs?limit=0",
                "/api/v1/jobs?state=smelly")) {
            texts.add(body(http.get().uri(path).exchange()));
        }
    }

    private void assets(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                code.add(Files.readString(file));
            }
        }
    }

    private void collect(WebTestClient client, String path, boolean stream) {
        WebTestClient.RequestHeadersSpec<?> spec = client.get().uri(path);
        if (stream) {
            spec = spec.header("Last-Event-ID", "0");
        }
        texts.add(body(spec.exchange()));
    }

    private static String body(WebTestClient.ResponseSpec response) {
        String body = response.expectBody(String.class).returnResult().getResponseBody();
        return body == null ? "" : body;
    }

    private static String get(WebTestClient client, String path) {
        return (String) client.get().uri(path).exchange().expectBody(E2e.MAP).returnResult().getResponseBody()
                .get("state");
    }

    private static String upload(WebTestClient client, String title, byte[] wav) {
        return (String) client.post().uri("/api/v1/sessions").bodyValue(multipart(title, wav, "talk.wav"))
                .exchange().expectStatus().isCreated().expectBody(E2e.MAP).returnResult().getResponseBody()
                .get("id");
    }

    private static org.springframework.util.MultiValueMap<String, org.springframework.http.HttpEntity<?>> multipart(
            String title, byte[] audio, String filename) {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\":\"" + title + "\",\"notes\":\"We shipped the upload. The release went well. "
                + "We need to fix the flaky test. I'll write the notes.\"}", MediaType.APPLICATION_JSON);
        b.part("audio", new ByteArrayResource(audio) {
            @Override
            public String getFilename() {
                return filename;
            }
        }, MediaType.parseMediaType("audio/wav"));
        return b.build();
    }
}
