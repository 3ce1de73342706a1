package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.config.EnrichProperties;
import dev.enrich.pipeline.StageName;
import dev.enrich.retention.ExpiryIndex;
import dev.enrich.session.MediaStore;
import dev.enrich.session.MediaUsage;
import dev.enrich.session.Thumbnails;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What deleting a session and a tenant does over HTTP, whatever the backend: each backend's test runs these against
 * the whole service (scripted stages, the local media directory) and checks its own store for leftovers. Tenant
 * "default" (the test key, USER and ADMIN) and "globex" (USER only, the key of {@link JobRetryTest}) take part; both
 * are emptied after each test.
 */
abstract class DeletionScenarios {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
    private static final byte[] WAV = Fixtures.wav(0.5, 8000);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    @Autowired
    MediaStore media;

    @Autowired
    EnrichProperties props;

    @Autowired
    MediaUsage usage;

    @Autowired
    ExpiryIndex expiry;

    WebTestClient globex;

    /** Check that the backend's store holds nothing naming these ids (a session, its jobs, a batch) of a tenant. */
    abstract void assertStoreHoldsNothingNaming(String tenant, List<String> ids);

    /** Check that the backend's store holds nothing of the tenant but what is kept on purpose. */
    abstract void assertStoreHoldsNothingOfTenant(String tenant);

    @BeforeEach
    void signInBoth() {
        stages.reset();
        http = http.mutate().responseTimeout(WAIT).build();
        globex = http.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + JobRetryTest.GLOBEX).build();
    }

    @AfterEach
    void emptyBothTenants() {
        stages.reset();
        http.delete().uri("/api/v1/admin/tenants/default").exchange().expectStatus().isNoContent();
        http.delete().uri("/api/v1/admin/tenants/globex").exchange().expectStatus().isNoContent();
    }

    @Test
    void deletingASessionStopsItsJobsThenRemovesEverythingMadeFromIt() throws IOException {
        String session = ApiTestSupport.upload(http, Fixtures.session("Standup", "We shipped it.", WAV));
        String done = ApiTestSupport.enrich(http, session, "{\"stages\": [\"summary\", \"canvas\"]}");
        awaitState(http, done, "completed");
        try (OutputStream out = media.createDerived("default", session, Thumbnails.fileName(0))) {
            out.write(PNG);
        }
        List<String> before = List.of(
                "/api/v1/sessions/" + session, "/api/v1/sessions/" + session + "/enrichment",
                "/api/v1/sessions/" + session + "/canvas", Thumbnails.path(session, 0), "/api/v1/jobs/" + done);
        before.forEach(uri -> http.get().uri(uri).exchange().expectStatus().isOk());
        assertThat(mediaOf(session)).as("the check below can fail").isNotEmpty();
        stages.script(StageName.AUDIO, ctx -> ScriptedStages.forever(StageName.AUDIO, Duration.ofMillis(10)));
        String running = ApiTestSupport.enrich(http, session, "{\"stages\": [\"audio\"]}");
        awaitState(http, running, "running");
        long used = usage.used("default").block(WAIT);
        long indexed = expiry.size().block(WAIT);

        http.delete().uri("/api/v1/sessions/{id}", session).exchange().expectStatus().isNoContent();

        assertThat(stages.active()).as("the running job stopped before the answer").isZero();
        for (String uri : List.of(before.get(0), before.get(1), before.get(2), before.get(3), before.get(4),
                "/api/v1/jobs/" + running, "/api/v1/jobs/" + done + "/events", "/api/v1/jobs/" + running + "/events")) {
            http.get().uri(uri).exchange().expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        assertThat(ApiTestSupport.jobs(http)).extracting(j -> j.get("id")).doesNotContain(done, running);
        assertThat(mediaOf(session)).isEmpty();
        assertThat(usage.used("default").block(WAIT)).as("storage counted for the tenant")
                .isEqualTo(used - WAV.length);
        assertThat(expiry.size().block(WAIT)).isEqualTo(indexed - 1);
        assertStoreHoldsNothingNaming("default", List.of(session, done, running));
        http.delete().uri("/api/v1/sessions/{id}", session).exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("We couldn't find that session.");
    }

    @Test
    void anotherTenantsSessionIsNotFoundAndKeepsEverything() {
        String session = ApiTestSupport.upload(http, Fixtures.session("Mine", "My notes.", WAV));
        String job = ApiTestSupport.enrich(http, session, "{\"stages\": [\"summary\"]}");
        awaitState(http, job, "completed");

        globex.delete().uri("/api/v1/sessions/{id}", session).exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.detail").isEqualTo("We couldn't find that session.");

        http.get().uri("/api/v1/sessions/{id}", session).exchange().expectStatus().isOk();
        http.get().uri("/api/v1/sessions/{id}/enrichment", session).exchange().expectStatus().isOk();
        http.get().uri("/api/v1/jobs/{id}", job).exchange().expectStatus().isOk();
        assertThat(mediaOf(session)).isNotEmpty();
    }

    @Test
    void aBatchKeepsItsOtherSessionsAndGoesWithItsLast() {
        String first = ApiTestSupport.upload(http, Fixtures.session("A", "First.", null));
        String second = ApiTestSupport.upload(http, Fixtures.session("B", "Second.", null));
        Map<String, Object> accepted = http.post().uri("/api/v1/batches").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"sessionIds\": [\"" + first + "\", \"" + second + "\"], \"stages\": [\"summary\"]}")
                .exchange().expectStatus().isAccepted().expectBody(ApiTestSupport.MAP).returnResult()
                .getResponseBody();
        String batch = (String) accepted.get("batchId");
        @SuppressWarnings("unchecked")
        List<String> jobs = (List<String>) accepted.get("jobIds");
        jobs.forEach(job -> awaitState(http, job, "completed"));

        http.delete().uri("/api/v1/sessions/{id}", first).exchange().expectStatus().isNoContent();

        http.get().uri("/api/v1/batches/{id}", batch).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(1)
                .jsonPath("$.jobIds.length()").isEqualTo(1)
                .jsonPath("$.jobIds[0]").isEqualTo(jobs.get(1))
                .jsonPath("$.state").isEqualTo("completed");
        assertStoreHoldsNothingNaming("default", List.of(first, jobs.get(0)));

        http.delete().uri("/api/v1/sessions/{id}", second).exchange().expectStatus().isNoContent();

        http.get().uri("/api/v1/batches/{id}", batch).exchange().expectStatus().isNotFound();
        http.get().uri("/api/v1/batches/{id}/events", batch).exchange().expectStatus().isNotFound();
        assertStoreHoldsNothingNaming("default", List.of(second, jobs.get(1), batch));
    }

    @Test
    void anAdministratorDeletesAllDataOfOneTenantAndNothingOfOthers() {
        String theirs = ApiTestSupport.upload(globex, Fixtures.session("Theirs", "Their notes.", WAV));
        String idle = ApiTestSupport.upload(globex, Fixtures.session("Idle", "Never enriched.", WAV));
        String theirJob = ApiTestSupport.enrich(globex, theirs, "{\"stages\": [\"summary\"]}");
        awaitState(globex, theirJob, "completed");
        String mine = ApiTestSupport.upload(http, Fixtures.session("Mine", "My notes.", WAV));
        String myJob = ApiTestSupport.enrich(http, mine, "{\"stages\": [\"summary\"]}");
        awaitState(http, myJob, "completed");

        globex.delete().uri("/api/v1/admin/tenants/default").exchange().expectStatus().isForbidden();
        http.delete().uri("/api/v1/admin/tenants/globex").exchange().expectStatus().isNoContent();

        globex.get().uri("/api/v1/sessions/{id}", theirs).exchange().expectStatus().isNotFound();
        globex.get().uri("/api/v1/sessions/{id}", idle).exchange().expectStatus().isNotFound();
        globex.get().uri("/api/v1/jobs/{id}", theirJob).exchange().expectStatus().isNotFound();
        assertThat(ApiTestSupport.jobs(globex)).isEmpty();
        assertThat(mediaOf(theirs)).isEmpty();
        assertThat(mediaOf(idle)).isEmpty();
        assertStoreHoldsNothingNaming("globex", List.of(theirs, idle, theirJob));
        assertStoreHoldsNothingOfTenant("globex");
        http.get().uri("/api/v1/sessions/{id}", mine).exchange().expectStatus().isOk();
        http.get().uri("/api/v1/sessions/{id}/enrichment", mine).exchange().expectStatus().isOk();
        assertThat(mediaOf(mine)).isNotEmpty();
        http.delete().uri("/api/v1/admin/tenants/nobody-at-all").exchange().expectStatus().isNoContent();
    }

    /** Return the files and directories of the media store whose path names the session. */
    List<?> mediaOf(String sessionId) {
        String encoded = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(sessionId.getBytes(StandardCharsets.UTF_8));
        Path root = props.media().dir();
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> root.relativize(p).toString().contains(encoded)
                    || p.getFileName().toString().contains(sessionId)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void awaitState(WebTestClient client, String job, String state) {
        Awaitility.await().atMost(WAIT).until(() -> ApiTestSupport.job(client, job), j -> state.equals(j.get("state")));
    }
}
