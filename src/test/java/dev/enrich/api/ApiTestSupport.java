package dev.enrich.api;

import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.MultiValueMap;

/** Call the REST API from tests: upload, enrich, read jobs, and clean up jobs left running. */
final class ApiTestSupport {

    static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
    static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() {};

    private ApiTestSupport() {}

    /** Upload a session and return its id. */
    static String upload(WebTestClient http, MultiValueMap<String, ?> body) {
        return (String) http.post().uri("/api/v1/sessions").bodyValue(body).exchange()
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("id");
    }

    /** Start an enrichment with a JSON request and return the job id. */
    static String enrich(WebTestClient http, String sessionId, String json) {
        return (String) http.post().uri("/api/v1/sessions/{id}/enrichments", sessionId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange()
                .expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody().get("jobId");
    }

    /** Return a job's view. */
    static Map<String, Object> job(WebTestClient http, String jobId) {
        return http.get().uri("/api/v1/jobs/{id}", jobId).exchange().expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
    }

    /** Return the caller's recent jobs, newest first. */
    static List<Map<String, Object>> jobs(WebTestClient http) {
        return http.get().uri("/api/v1/jobs?limit=500").exchange().expectStatus().isOk()
                .expectBody(LIST).returnResult().getResponseBody();
    }

    /** Cancel every job that has not ended, so a test's endless stages don't leak into the next test. */
    static void cancelUnfinishedJobs(WebTestClient http) {
        for (Map<String, Object> job : jobs(http)) {
            Object state = job.get("state");
            if ("queued".equals(state) || "running".equals(state)) {
                http.delete().uri("/api/v1/jobs/{id}", job.get("id")).exchange();
            }
        }
    }
}
