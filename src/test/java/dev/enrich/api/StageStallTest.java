package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * Through the running service, with one slot and one stage thread: a stage that blocks forever or spins the CPU is
 * stopped by the stall detector, its thread interrupted, the stage FAILED with a friendly message, and the next job
 * runs on the freed slot and thread.
 */
@ServiceTest
@TestPropertySource(properties = {"enrich.pool.concurrency=1", "enrich.pool.cpu-threads=1",
        "enrich.pool.stall-timeout=1s"})
class StageStallTest {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    private final AtomicInteger interrupted = new AtomicInteger();

    @BeforeEach
    void reset() {
        stages.reset();
    }

    @Test
    void audioThatBlocksForeverFailsAndTheSlotRunsTheNextJob() {
        stages.script(StageName.AUDIO, ctx -> Mono.<StageUpdate>fromCallable(() -> {
            try {
                new LinkedBlockingQueue<String>().take();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
            throw new AssertionError("unreachable");
        }).flux());
        assertStalledAudioFailsAndNextJobRuns();
    }

    @Test
    void audioThatSpinsTheCpuFailsAndTheSlotRunsTheNextJob() {
        stages.script(StageName.AUDIO, ctx -> Mono.<StageUpdate>fromCallable(() -> {
            while (!Thread.interrupted()) {
                Thread.onSpinWait();
            }
            interrupted.incrementAndGet();
            throw new InterruptedException();
        }).flux());
        assertStalledAudioFailsAndNextJobRuns();
    }

    private void assertStalledAudioFailsAndNextJobRuns() {
        String session = ApiTestSupport.upload(http, Fixtures.session("Stuck", "Notes.", Fixtures.wav(1, 8000)));
        String job = ApiTestSupport.enrich(http, session, "{\"stages\":[\"audio\",\"summary\"]}");

        Map<String, Object> done = waitForEnd(job);
        assertThat(done.get("state")).isEqualTo("partial");
        assertThat(stages(done)).anySatisfy(s -> assertThat(s).containsEntry("stage", "audio")
                .containsEntry("state", "failed")
                .containsEntry("message", "Couldn't analyze the audio: it stopped responding."));
        assertThat(stages.started(StageName.AUDIO)).as("a stall is retried once").isEqualTo(2);
        Awaitility.await().untilAsserted(() -> assertThat(interrupted).hasValue(2));

        stages.reset();
        String next = ApiTestSupport.enrich(http, session, "{\"stages\":[\"audio\",\"summary\"]}");
        assertThat(waitForEnd(next).get("state")).isEqualTo("completed");
        Map<String, Object> pool = http.get().uri("/api/v1/pool").exchange().expectStatus().isOk()
                .expectBody(ApiTestSupport.MAP).returnResult().getResponseBody();
        assertThat(pool).containsEntry("busy", 0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> slots = (List<Map<String, Object>>) pool.get("slots");
        assertThat(slots).singleElement().satisfies(slot -> assertThat((String) slot.get("worker"))
                .startsWith("enrich-slot-0-g"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> stages(Map<String, Object> job) {
        return (List<Map<String, Object>>) job.get("stages");
    }

    private Map<String, Object> waitForEnd(String job) {
        return Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> ApiTestSupport.job(http, job),
                        j -> !List.of("queued", "running").contains(j.get("state")));
    }
}
