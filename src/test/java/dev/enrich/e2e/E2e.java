package dev.enrich.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Drive the running service from end-to-end tests: upload, enrich, wait, count. */
final class E2e {

    static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

    private E2e() {}

    /** Upload a session with notes only and return its id. */
    static String uploadNotes(WebTestClient http, String title, String notes) {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\":\"" + title + "\",\"notes\":\"" + notes + "\"}", MediaType.APPLICATION_JSON);
        return (String) http.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange()
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("id");
    }

    /** Start an enrichment and return the job id. */
    static String enrich(WebTestClient http, String session, String json) {
        return (String) http.post().uri("/api/v1/sessions/{id}/enrichments", session)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange()
                .expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody().get("jobId");
    }

    /** Return a job's view once it has ended. */
    static Map<String, Object> awaitEnd(WebTestClient http, String job, Duration atMost) {
        return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> http.get().uri("/api/v1/jobs/{id}", job).exchange().expectBody(MAP).returnResult()
                        .getResponseBody(), j -> !List.of("queued", "running").contains(j.get("state")));
    }

    /** Wait until no job runs or waits. */
    static void awaitIdle(WebTestClient http, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> http.get().uri("/api/v1/pool").exchange().expectBody(MAP).returnResult()
                        .getResponseBody(), p -> ((Number) p.get("busy")).intValue() == 0
                        && ((Number) p.get("queued")).intValue() == 0);
    }

    /** Count jobs by state. */
    static Map<String, Long> states(WebTestClient http, List<String> jobs) {
        Map<String, Long> states = new TreeMap<>();
        for (String id : jobs) {
            Map<String, Object> job = http.get().uri("/api/v1/jobs/{id}", id).exchange().expectStatus().isOk()
                    .expectBody(MAP).returnResult().getResponseBody();
            states.merge((String) job.get("state"), 1L, Long::sum);
        }
        return states;
    }

    /** Return one stage's data from a session's enrichment document. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> data(Map<String, Object> results, String stage) {
        Map<String, Object> byStage = (Map<String, Object>) results.get("results");
        return (Map<String, Object>) ((Map<String, Object>) byStage.get(stage)).get("data");
    }

    /** Return a JSON array of objects as read into a map. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }

    /** Return bytes as a multipart file part with a file name. */
    static ByteArrayResource named(byte[] content, String name) {
        return new ByteArrayResource(content) {
            @Override
            public String getFilename() {
                return name;
            }
        };
    }
}
