package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.pipeline.StageName;
import dev.enrich.retention.ExpiryIndex;
import dev.enrich.retention.ExpiryIndex.SessionKey;
import dev.enrich.retention.RetentionSweeper;
import dev.enrich.session.MediaStore;
import dev.enrich.session.MediaUsage;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.MutableClock;
import dev.enrich.testing.ScriptedStages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/**
 * Retention on a backend: a session and everything made from it go {@code enrich.retention.sessions} after its last
 * activity, not before, never while a job runs; what an interrupted upload left goes after
 * {@code enrich.retention.uploads}; the sweep reads only what is due. The service's clock is moved by the test, and
 * the sweep is run by the test (its timer is an hour away).
 */
abstract class RetentionScenarios {

    static final String T0 = "2026-03-02T09:00:00Z";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final byte[] WAV = Fixtures.wav(0.5, 8000);

    @TestConfiguration(proxyBeanMethods = false)
    static class MovableClock {
        @Bean
        @Primary
        MutableClock movableClock() {
            return MutableClock.at(T0);
        }
    }

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    @Autowired
    MutableClock clock;

    @Autowired
    RetentionSweeper sweeper;

    @Autowired
    ExpiryIndex expiry;

    @Autowired
    MediaStore media;

    @Autowired
    MediaUsage usage;

    /** Return the keys (or files) the backend's stores hold that name any of these ids. */
    abstract List<String> storedNaming(List<String> ids);

    @BeforeEach
    void startAtT0() {
        stages.reset();
        clock.set(T0);
        http = http.mutate().responseTimeout(WAIT).build();
    }

    @AfterEach
    void emptyTheTenant() {
        stages.reset();
        http.delete().uri("/api/v1/admin/tenants/default").exchange().expectStatus().isNoContent();
    }

    @Test
    void aSessionGoesWithEverythingOfItOnceItsRetentionHasPassedSinceItsLastJobEnded() {
        String old = ApiTestSupport.upload(http, Fixtures.session("Old", "Notes.", WAV));
        clock.advance(Duration.ofDays(2));
        String job = ApiTestSupport.enrich(http, old, "{\"stages\": [\"summary\"]}");
        DeletionScenarios.awaitState(http, job, "completed");
        clock.advance(Duration.ofDays(1));
        String fresh = ApiTestSupport.upload(http, Fixtures.session("Fresh", "Notes.", WAV));
        assertThat(storedNaming(List.of(old, job))).as("the check below can fail").isNotEmpty();

        clock.set(T0);
        clock.advance(Duration.ofDays(7).plusSeconds(1)); // 7 days after the upload, 5 after the job
        assertThat(sweeper.sweep().block(WAIT)).isZero();
        http.get().uri("/api/v1/sessions/{id}", old).exchange().expectStatus().isOk();

        clock.advance(Duration.ofDays(2)); // 7 days after the job ended
        assertThat(sweeper.sweep().block(WAIT)).isEqualTo(1);

        http.get().uri("/api/v1/sessions/{id}", old).exchange().expectStatus().isNotFound();
        http.get().uri("/api/v1/jobs/{id}", job).exchange().expectStatus().isNotFound();
        http.get().uri("/api/v1/sessions/{id}", fresh).exchange().expectStatus().isOk();
        assertThat(storedNaming(List.of(old, job))).isEmpty();
        assertThat(usage.used("default").block(WAIT)).isEqualTo(WAV.length);
        assertThat(expiry.size().block(WAIT)).as("only the fresh session is indexed").isEqualTo(1);

        clock.advance(Duration.ofDays(1));
        assertThat(sweeper.sweep().block(WAIT)).isEqualTo(1);
        http.get().uri("/api/v1/sessions/{id}", fresh).exchange().expectStatus().isNotFound();
        assertThat(expiry.size().block(WAIT)).isZero();
        assertThat(usage.used("default").block(WAIT)).isZero();
    }

    @Test
    void aSessionWithAJobStillRunningIsKept() {
        stages.script(StageName.AUDIO, ctx -> ScriptedStages.forever(StageName.AUDIO, Duration.ofMillis(10)));
        String session = ApiTestSupport.upload(http, Fixtures.session("Busy", "Notes.", WAV));
        String running = ApiTestSupport.enrich(http, session, "{\"stages\": [\"audio\"]}");
        DeletionScenarios.awaitState(http, running, "running");

        clock.advance(Duration.ofDays(30));
        assertThat(sweeper.sweep().block(WAIT)).isZero();

        http.get().uri("/api/v1/sessions/{id}", session).exchange().expectStatus().isOk();
        http.get().uri("/api/v1/jobs/{id}", running).exchange().expectStatus().isOk();
    }

    @Test
    void whatAnInterruptedUploadLeftGoesAfterTheUploadWindow() {
        // An upload that died after storing a file: indexed, media written, never kept.
        String orphan = "orphan-" + System.nanoTime();
        expiry.schedule(new SessionKey("default", orphan), clock.instant().plus(Duration.ofHours(6))).block(WAIT);
        media.store("default", orphan, Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(
                "half a file".getBytes(StandardCharsets.UTF_8))), 1024).block(WAIT);
        assertThat(storedNaming(List.of(orphan))).as("the check below can fail").isNotEmpty();

        clock.advance(Duration.ofHours(6).minusSeconds(1));
        assertThat(sweeper.sweep().block(WAIT)).isZero();
        assertThat(storedNaming(List.of(orphan))).isNotEmpty();

        clock.advance(Duration.ofSeconds(1));
        assertThat(sweeper.sweep().block(WAIT)).isEqualTo(1);
        assertThat(storedNaming(List.of(orphan))).isEmpty();
        assertThat(expiry.size().block(WAIT)).isZero();
    }
}
