package dev.enrich.api;

import static dev.enrich.testing.SseClient.TIMEOUT;
import static dev.enrich.testing.SseClient.data;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import dev.enrich.testing.SseClient;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

/** Prove that a resumption from events the log no longer holds gets a fresh snapshot (3 events kept per stream). */
@ServiceTest
@Timeout(30)
class EventStreamRetentionTest {

    @DynamicPropertySource
    static void retainThree(DynamicPropertyRegistry registry) {
        registry.add("enrich.events.retain-per-stream", () -> "3");
    }

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    SseClient client;

    @BeforeEach
    void reset() {
        stages.reset();
        client = new SseClient(port, http);
    }

    @Test
    void resumingFromEventsNoLongerHeldGetsFreshSnapshotOfFinishedJob() {
        String jobId = client.audioJob();
        String path = "/api/v1/jobs/" + jobId + "/events";
        // wait for the end through a live subscription, then resume from event 1, which is long gone
        List<ServerSentEvent<String>> live = client.events(path, null).collectList().block(TIMEOUT);
        long terminal = SseClient.id(live.get(live.size() - 1));
        assertThat(terminal).isGreaterThan(4);

        List<ServerSentEvent<String>> resumed = client.events(path, "1").collectList().block(TIMEOUT);

        assertThat(resumed).extracting(ServerSentEvent::event).containsExactly("snapshot", "completed");
        assertThat(data(resumed.get(0))).containsEntry("state", "completed");
        assertThat(SseClient.id(resumed.get(1))).isEqualTo(terminal);
    }

    @Test
    void resumingUserStreamFromEventsNoLongerHeldGetsFreshSnapshot() {
        String jobId = client.audioJob();
        client.events("/api/v1/jobs/" + jobId + "/events", null).blockLast(TIMEOUT);

        StepVerifier.create(client.events("/api/v1/events", "1"))
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("snapshot");
                    assertThat(data(e)).containsKey("detail");
                })
                .thenCancel()
                .verify(TIMEOUT);
    }
}
