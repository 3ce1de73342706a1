package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Bad input gets a 4xx RFC 9457 problem with a friendly detail, and nothing of a refused request is kept. */
@ServiceTest
class ProblemDetailsTest {

    private static final String UNKNOWN = "00000000-0000-0000-0000-000000000000";

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    @BeforeEach
    void reset() {
        stages.reset();
    }

    @AfterEach
    void cancelLeftovers() {
        ApiTestSupport.cancelUnfinishedJobs(http);
    }

    static Stream<Arguments> unknownAddresses() {
        return Stream.of(
                notFound("unknown session", c -> c.get().uri("/api/v1/sessions/{id}", UNKNOWN),
                        "We couldn't find that session.", "/api/v1/sessions/" + UNKNOWN),
                notFound("enriching an unknown session", c -> c.post()
                                .uri("/api/v1/sessions/{id}/enrichments", UNKNOWN)
                                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}"),
                        "We couldn't find that session.", "/api/v1/sessions/" + UNKNOWN + "/enrichments"),
                notFound("results of an unknown session", c -> c.get().uri("/api/v1/sessions/{id}/enrichment", UNKNOWN),
                        "We couldn't find that session.", "/api/v1/sessions/" + UNKNOWN + "/enrichment"),
                notFound("unknown job", c -> c.get().uri("/api/v1/jobs/{id}", UNKNOWN),
                        "We couldn't find that job.", "/api/v1/jobs/" + UNKNOWN),
                notFound("cancelling an unknown job", c -> c.delete().uri("/api/v1/jobs/{id}", UNKNOWN),
                        "We couldn't find that job.", "/api/v1/jobs/" + UNKNOWN),
                notFound("unknown batch", c -> c.get().uri("/api/v1/batches/{id}", UNKNOWN),
                        "We couldn't find that batch.", "/api/v1/batches/" + UNKNOWN),
                notFound("unknown path", c -> c.get().uri("/api/v1/nothing-here"),
                        "There is nothing at this address.", "/api/v1/nothing-here"),
                notFound("unknown path outside the API, even for browsers",
                        c -> c.get().uri("/nope").accept(MediaType.TEXT_HTML),
                        "There is nothing at this address.", "/nope"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownAddresses")
    void unknownAddressesAreNotFoundProblems(String what, Function<WebTestClient, WebTestClient.RequestHeadersSpec<?>>
            request, String detail, String instance) {
        expectProblem(request.apply(http).exchange(), 404, "Not Found", detail, instance);
    }

    @Test
    void resultsOfASessionNeverEnrichedAreNotFound() {
        String session = ApiTestSupport.upload(http, Fixtures.session("Quiet", "Nothing yet.", null));
        expectProblem(http.get().uri("/api/v1/sessions/{id}/enrichment", session).exchange(),
                404, "Not Found", "This session has not been enriched yet.", null);
    }

    @Test
    void wrongMethodIsMethodNotAllowedProblem() {
        expectProblem(http.put().uri("/api/v1/pool").exchange(),
                405, "Method Not Allowed", "PUT is not supported here. Use GET.", null);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"stages": ["audio"                  | The request body isn't valid JSON.
            {"stages": "audio"}                  | The field 'stages' has the wrong type.
            {"stages": ["audio", "x"]}           | Unknown stage 'x'. Use audio, video, summary or canvas.
            {"stages": []}                       | Choose at least one stage: audio, video, summary or canvas.
            {"priority": "urgent"}               | Unknown priority 'urgent'. Use interactive or batch.
            """)
    void invalidEnrichmentRequestsAreBadRequestsThatCreateNoJob(String body, String detail) {
        String session = ApiTestSupport.upload(http, Fixtures.session("Standup", "Notes.", null));
        expectProblem(post("/api/v1/sessions/" + session + "/enrichments", body), 400, "Bad Request", detail,
                "/api/v1/sessions/" + session + "/enrichments");
        assertNoJobFor(session);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {sessionIds: nope                    | The request body isn't valid JSON.
            {"sessionIds": []}                   | Add at least one session id to the batch.
            {"stages": ["audio"]}                | Add at least one session id to the batch.
            """)
    void invalidBatchBodiesAreBadRequests(String body, String detail) {
        int before = ApiTestSupport.jobs(http).size();
        expectProblem(post("/api/v1/batches", body), 400, "Bad Request", detail, "/api/v1/batches");
        assertThat(ApiTestSupport.jobs(http)).hasSize(before);
    }

    @Test
    void batchWithoutBodyIsBadRequest() {
        expectProblem(http.post().uri("/api/v1/batches").contentType(MediaType.APPLICATION_JSON).exchange(),
                400, "Bad Request", "Send a JSON body with this request.", null);
    }

    @Test
    void batchWithABlankSessionIdIsBadRequest() {
        expectProblem(post("/api/v1/batches", "{\"sessionIds\": [\"  \"]}"),
                400, "Bad Request", "Session ids must not be blank.", "/api/v1/batches");
    }

    @Test
    void batchWithAnEmptyStageListIsBadRequest() {
        expectProblem(post("/api/v1/batches", "{\"sessionIds\": [\"" + UNKNOWN + "\"], \"stages\": []}"),
                400, "Bad Request", "Choose at least one stage: audio, video, summary or canvas.", null);
    }

    @Test
    void aNullStageNameIsBadRequest() {
        String session = ApiTestSupport.upload(http, Fixtures.session("Standup", "Notes.", null));
        expectProblem(post("/api/v1/sessions/" + session + "/enrichments", "{\"stages\": [null]}"),
                400, "Bad Request", "Stage names must not be null.", null);
        assertNoJobFor(session);
    }

    @Test
    void everyViolationIsNamedOnce() {
        expectProblem(post("/api/v1/batches", "{\"sessionIds\": [], \"stages\": []}"),
                400, "Bad Request", "Add at least one session id to the batch. "
                        + "Choose at least one stage: audio, video, summary or canvas.", null);
    }

    @Test
    void batchWithDuplicateIdsIsBadRequest() {
        String session = ApiTestSupport.upload(http, Fixtures.session("Standup", "Notes.", null));
        expectProblem(post("/api/v1/batches", "{\"sessionIds\": [\"" + session + "\", \"" + session + "\"]}"),
                400, "Bad Request", "Each session may appear only once in a batch.", null);
        assertNoJobFor(session);
    }

    @Test
    void batchWithUnknownStageIsBadRequestAndCreatesNoJob() {
        String session = ApiTestSupport.upload(http, Fixtures.session("Standup", "Notes.", null));
        expectProblem(post("/api/v1/batches", "{\"sessionIds\": [\"" + session + "\"], \"stages\": [\"x\"]}"),
                400, "Bad Request", "Unknown stage 'x'. Use audio, video, summary or canvas.", null);
        assertNoJobFor(session);
    }

    @Test
    void batchWithAnUnknownSessionIsNotFoundAndCreatesNoJob() {
        String known = ApiTestSupport.upload(http, Fixtures.session("Standup", "Notes.", null));
        int before = ApiTestSupport.jobs(http).size();
        expectProblem(post("/api/v1/batches", "{\"sessionIds\": [\"" + known + "\", \"" + UNKNOWN + "\"]}"),
                404, "Not Found", "We couldn't find session " + UNKNOWN + ".", null);
        assertThat(ApiTestSupport.jobs(http)).hasSize(before);
        assertNoJobFor(known);
    }

    @Test
    void cancellingAFinishedJobIsConflict() {
        String session = ApiTestSupport.upload(http, Fixtures.session("Standup", "Notes.", null));
        String job = ApiTestSupport.enrich(http, session, "{\"stages\": [\"summary\"]}");
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "completed".equals(ApiTestSupport.job(http, job).get("state")));
        expectProblem(http.delete().uri("/api/v1/jobs/{id}", job).exchange(),
                409, "Conflict", "This job already finished, so there is nothing to cancel.", null);
        assertThat(ApiTestSupport.job(http, job)).containsEntry("state", "completed");
    }

    @Test
    void uploadWithoutMetadataIsBadRequest() {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("audio", file(Fixtures.wav(0.1, 8000), "a.wav"), MediaType.parseMediaType("audio/wav"));
        expectProblem(upload(b), 400, "Bad Request", "Add a 'metadata' part with the session's title.",
                "/api/v1/sessions");
    }

    @Test
    void uploadWithMetadataThatIsNotJsonIsBadRequest() {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "title=Standup", MediaType.TEXT_PLAIN);
        expectProblem(upload(b), 400, "Bad Request",
                "The 'metadata' part must be JSON like {\"title\": \"Standup\"}.", null);
    }

    @Test
    void uploadWithNullMetadataIsBadRequest() {
        for (MediaType type : List.of(MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN)) {
            MultipartBodyBuilder b = new MultipartBodyBuilder();
            b.part("metadata", "null", type);
            expectProblem(upload(b), 400, "Bad Request", "Give the session a title.", null);
        }
    }

    @Test
    void uploadWithBlankTitleIsBadRequest() {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\": \"   \", \"notes\": \"n\"}", MediaType.APPLICATION_JSON);
        expectProblem(upload(b), 400, "Bad Request", "Give the session a title.", null);
    }

    @Test
    void uploadWithHugeMetadataIsContentTooLargeInsteadOfFillingTheHeap() {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\": \"Huge\", \"notes\": \"" + "x".repeat(17 * 1024 * 1024) + "\"}",
                MediaType.APPLICATION_JSON);
        expectProblem(upload(b), 413, "Content Too Large", "That upload is too large.", "/api/v1/sessions");
    }

    @Test
    void uploadWithUnknownPartIsBadRequest() {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\": \"Standup\"}", MediaType.APPLICATION_JSON);
        b.part("slides", file(new byte[] {1, 2, 3}, "s.pdf"), MediaType.APPLICATION_PDF);
        expectProblem(upload(b), 400, "Bad Request", "Unknown part 'slides'. Send metadata, audio, video or frames.",
                null);
    }

    @Test
    void uploadWithTwoAudioPartsIsBadRequest() {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\": \"Standup\"}", MediaType.APPLICATION_JSON);
        b.part("audio", file(Fixtures.wav(0.1, 8000), "a.wav"), MediaType.parseMediaType("audio/wav"));
        b.part("audio", file(Fixtures.wav(0.1, 8000), "b.wav"), MediaType.parseMediaType("audio/wav"));
        expectProblem(upload(b), 400, "Bad Request", "Send at most one 'audio' part.", null);
    }

    @Test
    void uploadThatIsNotMultipartIsUnsupportedMediaType() {
        expectProblem(http.post().uri("/api/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"title\": \"Standup\"}").exchange(),
                415, "Unsupported Media Type", "Send the body as multipart/form-data.", null);
    }

    @Test
    void invalidJobListLimitIsBadRequest() {
        expectProblem(http.get().uri("/api/v1/jobs?limit=0").exchange(),
                400, "Bad Request", "limit must be between 1 and 500.", null);
        expectProblem(http.get().uri("/api/v1/jobs?limit=many").exchange(),
                400, "Bad Request", "The parameter 'limit' has an invalid value.", null);
    }

    private WebTestClient.ResponseSpec post(String uri, String json) {
        return http.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private WebTestClient.ResponseSpec upload(MultipartBodyBuilder b) {
        return http.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange();
    }

    private void assertNoJobFor(String session) {
        List<Map<String, Object>> jobs = ApiTestSupport.jobs(http);
        assertThat(jobs).noneMatch(j -> session.equals(j.get("sessionId")));
    }

    private static Arguments notFound(String what,
            Function<WebTestClient, WebTestClient.RequestHeadersSpec<?>> request, String detail, String instance) {
        return Arguments.of(what, request, detail, instance);
    }

    static ByteArrayResource file(byte[] bytes, String name) {
        return new ByteArrayResource(bytes) {
            @Override
            public String getFilename() {
                return name;
            }
        };
    }

    /** Assert an exact problem body; {@code instance} defaults to the request path when null. */
    static void expectProblem(WebTestClient.ResponseSpec spec, int status, String title, String detail,
            String instance) {
        Map<String, Object> body = spec.expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult().getResponseBody();
        assertThat(body).containsEntry("status", status).containsEntry("title", title)
                .containsEntry("detail", detail).containsOnlyKeys("status", "title", "detail", "instance");
        if (instance != null) {
            assertThat(body).containsEntry("instance", instance);
        }
    }
}
