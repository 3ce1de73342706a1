package dev.enrich.api;

import static dev.enrich.api.ProblemDetailsTest.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.pipeline.StageName;
import dev.enrich.testing.CostWording;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Walk the REST API as a client does: upload, enrich a subset of stages, watch the job, cancel, run a batch, read
 * the pool and the results. One worker slot, so queued jobs can be observed. Every response body is recorded and
 * checked for cost words.
 */
@ServiceTest
@TestPropertySource(properties = "enrich.pool.concurrency=1")
class RestFlowTest {


    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private WebTestClient api;

    @BeforeEach
    void recordEveryResponseBody() {
        stages.reset();
        api = http.mutate().filter((request, next) -> next.exchange(request).map(response -> response.mutate()
                .body(body -> body.doOnNext(buffer -> bodies.add(buffer.toString(StandardCharsets.UTF_8))))
                .build())).build();
    }

    @AfterEach
    void noResponseMentionsCost() {
        ApiTestSupport.cancelUnfinishedJobs(api);
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> stages.active() == 0);
        stages.reset();
        assertThat(bodies).isNotEmpty().allSatisfy(body -> assertThat(CostWording.in(body)).isEmpty());
    }

    @Test
    void uploadKeepsMetadataAudioAndFramesInOrderAndHidesTheTenant() {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\": \"  Design review \", \"notes\": \"Agreed on v2.\", "
                + "\"transcript\": \"Let's ship v2.\"}", MediaType.APPLICATION_JSON);
        b.part("audio", file(Fixtures.wav(0.5, 8000), "review.wav"), MediaType.parseMediaType("audio/wav"));
        int[] sizes = new int[4];
        for (int i = 1; i <= 3; i++) {
            byte[] png = Fixtures.png(i);
            sizes[i] = png.length;
            b.part("frames", file(png, "frame-" + i + ".png"), MediaType.IMAGE_PNG);
        }
        String location = api.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange()
                .expectStatus().isCreated().expectHeader().exists(HttpHeaders.LOCATION)
                .returnResult(String.class).getResponseHeaders().getLocation().toString();
        assertThat(location).startsWith("/api/v1/sessions/");

        String json = api.get().uri(location).exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(json).doesNotContain("tenant").doesNotContain("\"key\"");
        Map<String, Object> session = api.get().uri(location).exchange().expectBody(ApiTestSupport.MAP)
                .returnResult().getResponseBody();
        assertThat(session).containsEntry("id", location.substring("/api/v1/sessions/".length()))
                .containsEntry("title", "Design review")
                .containsEntry("notes", Map.of("length", 13, "preview", "Agreed on v2."))
                .containsEntry("transcript", Map.of("length", 14, "preview", "Let's ship v2."))
                .containsKey("createdAt");
        assertThat(media(session)).extracting(m -> m.get("kind"), m -> m.get("fileName"), m -> m.get("size"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("audio", "review.wav", 44 + 8000),
                        org.assertj.core.groups.Tuple.tuple("frames", "frame-1.png", sizes[1]),
                        org.assertj.core.groups.Tuple.tuple("frames", "frame-2.png", sizes[2]),
                        org.assertj.core.groups.Tuple.tuple("frames", "frame-3.png", sizes[3]));
        assertThat(media(session).get(0)).containsEntry("contentType", "audio/wav");
    }

    @Test
    void enrichingASubsetRunsOnlyThoseStagesAndResultsAreKeyedByStageName() {
        String session = ApiTestSupport.upload(api, Fixtures.session("Standup", "We shipped it.",
                Fixtures.wav(1, 8000)));
        WebTestClient.ResponseSpec accepted = api.post().uri("/api/v1/sessions/{id}/enrichments", session)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"stages\": [\"summary\", \"AUDIO\"]}")
                .exchange().expectStatus().isAccepted();
        Map<String, Object> body = accepted.expectBody(ApiTestSupport.MAP).returnResult().getResponseBody();
        String job = (String) body.get("jobId");
        accepted.expectHeader().location("/api/v1/jobs/" + job);

        Map<String, Object> done = awaitState(job, "completed");
        assertThat(stageStates(done)).containsExactly(Map.entry("audio", "succeeded"),
                Map.entry("summary", "succeeded"));
        assertThat(stages.started(StageName.VIDEO)).isZero();
        assertThat(stages.started(StageName.CANVAS)).isZero();

        Map<String, Object> results = api.get().uri("/api/v1/sessions/{id}/enrichment", session).exchange()
                .expectStatus().isOk().expectBody(ApiTestSupport.MAP).returnResult().getResponseBody();
        assertThat(map(results.get("job"))).containsEntry("id", job).containsEntry("state", "completed");
        Map<String, Object> byStage = map(results.get("results"));
        assertThat(byStage).containsOnlyKeys("audio", "summary");
        assertThat(map(byStage.get("audio"))).containsEntry("stage", "audio").containsEntry("state", "succeeded")
                .containsKey("data");
        assertThat(map(map(byStage.get("audio")).get("data"))).containsEntry("sampleRate", 16000)
                .containsEntry("segments", List.of(Map.of("start", 0.05, "end", 0.95)));
    }

    @Test
    void requestedStageWithoutItsInputIsSkippedNotFailed() {
        String session = ApiTestSupport.upload(api, Fixtures.session("Call", "Short call.", Fixtures.wav(1, 8000)));
        String job = ApiTestSupport.enrich(api, session, "{\"stages\": [\"audio\", \"video\", \"summary\"]}");

        Map<String, Object> done = awaitState(job, "completed");
        assertThat(stageStates(done)).containsExactly(Map.entry("audio", "succeeded"),
                Map.entry("video", "skipped"), Map.entry("summary", "succeeded"));
        assertThat(stageList(done).get(1)).containsEntry("message", "No video or screenshots in this session.");
        assertThat(stages.started(StageName.VIDEO)).isZero();
    }

    @Test
    void runningJobReportsProgressEtaMessageAndStages() {
        stages.script(StageName.AUDIO, ctx -> ScriptedStages.ticks(StageName.AUDIO, 60, Duration.ofMillis(40)));
        String session = ApiTestSupport.upload(api, Fixtures.session("Standup", "Notes.", Fixtures.wav(1, 8000)));
        String job = ApiTestSupport.enrich(api, session, "{\"stages\": [\"audio\"]}");

        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Map<String, Object> view = ApiTestSupport.job(api, job);
            assertThat(view).containsEntry("state", "running").containsEntry("sessionId", session)
                    .containsEntry("priority", "interactive").containsEntry("message", "Analyzing audio...")
                    .containsKeys("createdAt", "startedAt").doesNotContainKeys("queuePosition", "finishedAt");
            assertThat(((Number) view.get("progress")).doubleValue()).isBetween(0.05, 0.99);
            assertThat(((Number) view.get("etaSeconds")).longValue()).isPositive();
            assertThat((String) view.get("etaText")).isIn("Almost done", "~5 seconds remaining");
            assertThat(stageList(view)).singleElement().satisfies(s -> assertThat(s)
                    .containsEntry("stage", "audio").containsEntry("state", "running"));
        });

        Map<String, Object> done = awaitState(job, "completed");
        assertThat(done).containsEntry("progress", 1.0).containsEntry("etaSeconds", 0).containsKey("finishedAt")
                .doesNotContainKey("etaText");
    }

    @Test
    void queuedJobReportsItsPositionAndExpectedStart() {
        awaitState(ApiTestSupport.enrich(api,
                ApiTestSupport.upload(api, Fixtures.session("Warm-up", "Notes.", null)),
                "{\"stages\": [\"summary\"]}"), "completed");
        stages.script(StageName.SUMMARY, ctx -> ScriptedStages.forever(StageName.SUMMARY, Duration.ofMillis(20)));
        String first = ApiTestSupport.enrich(api,
                ApiTestSupport.upload(api, Fixtures.session("First", "Notes.", null)), "{\"stages\": [\"summary\"]}");
        awaitState(first, "running");
        String second = ApiTestSupport.enrich(api,
                ApiTestSupport.upload(api, Fixtures.session("Second", "Notes.", null)),
                "{\"stages\": [\"summary\"], \"priority\": \"batch\"}");

        Map<String, Object> queued = ApiTestSupport.job(api, second);
        assertThat(queued).containsEntry("state", "queued").containsEntry("priority", "batch")
                .containsEntry("queuePosition", 1).containsEntry("message", "Waiting for a free worker...")
                .containsEntry("progress", 0.0).doesNotContainKey("startedAt");
        assertThat(((Number) queued.get("expectedStartSeconds")).longValue()).isNotNegative();
        assertThat(stageList(queued)).singleElement().satisfies(s -> assertThat(s).containsEntry("state", "pending"));

        Map<String, Object> cancelled = api.delete().uri("/api/v1/jobs/{id}", second).exchange()
                .expectStatus().isAccepted().expectBody(ApiTestSupport.MAP).returnResult().getResponseBody();
        assertThat(cancelled).containsEntry("state", "cancelled").doesNotContainKey("queuePosition");
        assertThat(stages.started(StageName.SUMMARY)).as("warm-up and first only").isEqualTo(2);
    }

    @Test
    void cancellingARunningJobStopsItsStagesWithinOneSecond() {
        stages.script(StageName.AUDIO, ctx -> ScriptedStages.forever(StageName.AUDIO, Duration.ofMillis(10)));
        String session = ApiTestSupport.upload(api, Fixtures.session("Long", "Notes.", Fixtures.wav(1, 8000)));
        String job = ApiTestSupport.enrich(api, session, "{\"stages\": [\"audio\", \"summary\"]}");
        awaitState(job, "running");
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> stages.active() == 1);

        api.delete().uri("/api/v1/jobs/{id}", job).exchange().expectStatus().isAccepted()
                .expectBody().jsonPath("$.id").isEqualTo(job);
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> stages.active() == 0
                && "cancelled".equals(ApiTestSupport.job(api, job).get("state")));

        Map<String, Object> view = ApiTestSupport.job(api, job);
        assertThat(view).containsEntry("message", "Cancelled.").containsKey("finishedAt");
        assertThat(stageStates(view)).containsExactly(Map.entry("audio", "cancelled"),
                Map.entry("summary", "cancelled"));
        assertThat(stages.started(StageName.SUMMARY)).isZero();
        Awaitility.await().atMost(Duration.ofSeconds(1))
                .until(() -> pool().get("busy").equals(0) && pool().get("idle").equals(1));
    }

    @Test
    void batchAcceptsEverySessionAndCountsItsJobsUntilCompleted() {
        String a = ApiTestSupport.upload(api, Fixtures.session("A", "First.", null));
        String b = ApiTestSupport.upload(api, Fixtures.session("B", "Second.", null));
        WebTestClient.ResponseSpec accepted = api.post().uri("/api/v1/batches")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"sessionIds\": [\"" + a + "\", \"" + b + "\"], \"stages\": [\"summary\"]}")
                .exchange().expectStatus().isAccepted();
        Map<String, Object> body = accepted.expectBody(ApiTestSupport.MAP).returnResult().getResponseBody();
        assertThat(body).containsOnlyKeys("batchId", "jobIds");
        String batch = (String) body.get("batchId");
        accepted.expectHeader().location("/api/v1/batches/" + batch);
        @SuppressWarnings("unchecked")
        List<String> jobIds = (List<String>) body.get("jobIds");
        assertThat(jobIds).hasSize(2);
        assertThat(jobIds).extracting(id -> ApiTestSupport.job(api, id).get("sessionId")).containsExactly(a, b);

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(batchView(batch))
                .containsEntry("state", "completed").containsEntry("done", 2));
        Map<String, Object> view = batchView(batch);
        assertThat(view).containsEntry("id", batch).containsEntry("total", 2).containsEntry("progress", 1.0)
                .containsEntry("counts", Map.of("completed", 2)).containsEntry("jobIds", jobIds)
                .containsEntry("message", "2 of 2 sessions done.");
        assertThat(jobIds).allSatisfy(id -> assertThat(ApiTestSupport.job(api, id))
                .containsEntry("batchId", batch).containsEntry("priority", "batch"));
    }

    @Test
    void poolReportsSizeLoadQueueSlotsAndAcquisitionLatency() {
        awaitState(ApiTestSupport.enrich(api, ApiTestSupport.upload(api, Fixtures.session("P", "Notes.", null)),
                "{\"stages\": [\"summary\"]}"), "completed");
        Map<String, Object> pool = pool();
        assertThat(pool).containsEntry("size", 1).containsEntry("busy", 0).containsEntry("idle", 1)
                .containsEntry("queued", 0).containsEntry("accepting", true).containsKeys("queueCapacity");
        assertThat(map(pool.get("acquisition"))).containsKeys("samples", "p50Millis", "p95Millis", "p99Millis",
                "maxMillis");
        assertThat(((Number) map(pool.get("acquisition")).get("samples")).intValue()).isPositive();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> slots = (List<Map<String, Object>>) pool.get("slots");
        assertThat(slots).singleElement().satisfies(slot -> {
            assertThat(slot).containsEntry("slot", 0).containsEntry("busy", false).containsKeys("generation",
                    "jobsRun", "failures", "errorRate", "meanDurationMillis", "uptimeSeconds");
            assertThat(((Number) slot.get("jobsRun")).longValue()).isPositive();
        });
    }

    private Map<String, Object> awaitState(String job, String state) {
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> state.equals(ApiTestSupport.job(api, job).get("state")));
        return ApiTestSupport.job(api, job);
    }

    private Map<String, Object> pool() {
        return api.get().uri("/api/v1/pool").exchange().expectStatus().isOk().expectBody(ApiTestSupport.MAP)
                .returnResult().getResponseBody();
    }

    private Map<String, Object> batchView(String id) {
        return api.get().uri("/api/v1/batches/{id}", id).exchange().expectStatus().isOk()
                .expectBody(ApiTestSupport.MAP).returnResult().getResponseBody();
    }

    private static List<Map<String, Object>> stageList(Map<String, Object> job) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) job.get("stages");
        return list;
    }

    private static List<Map.Entry<Object, Object>> stageStates(Map<String, Object> job) {
        return stageList(job).stream().map(s -> Map.entry(s.get("stage"), s.get("state"))).toList();
    }

    private static List<Map<String, Object>> media(Map<String, Object> session) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) session.get("media");
        return list;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
