package dev.enrich.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.fake.FakeOpenAiServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A transient AI failure shows up on the job's stream as a friendly {@code retrying} event, in the job's own order
 * between the stage's events, then the job recovers. The AI service is a real HTTP server on loopback.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "enrich.media.dir=${java.io.tmpdir}/enrich-retrying-media", "enrich.resilience.retry.first-backoff=5ms",
        "enrich.resilience.retry.max-backoff=20ms", "enrich.resilience.retry.max-retry-after=20ms"})
@AutoConfigureWebTestClient(timeout = "PT30S")
class RetryingEventTest {


    static FakeOpenAiServer ai = FakeOpenAiServer.start();

    @Autowired
    WebTestClient http;

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("enrich.ai.base-url", () -> ai.baseUrl());
    }

    @AfterAll
    static void stop() {
        ai.close();
    }

    @Test
    void transientFailuresAreAnnouncedAsRetryingAndTheJobRecovers() {
        String session = E2e.uploadNotes(http, "Standup", "We shipped it. We need to fix the flaky test.");
        ai.failNext(FakeOpenAiServer.Fault.UNAVAILABLE, FakeOpenAiServer.Fault.RATE_LIMITED);
        String job = E2e.enrich(http, session, "{\"stages\":[\"summary\"]}");
        Map<String, Object> done = E2e.awaitEnd(http, job, Duration.ofSeconds(20));

        String events = http.get().uri("/api/v1/jobs/{id}/events", job).header("Last-Event-ID", "0").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(done.get("state")).isEqualTo("completed");
        assertThat(events).contains("event:retrying")
                .contains("Couldn't reach the AI service. Retrying in 1s...")
                .contains("\"attempt\":2").contains("\"attempt\":3").contains("\"maxAttempts\":5")
                .doesNotContainIgnoringCase("cost").doesNotContainIgnoringCase("token")
                .doesNotContainIgnoringCase("unavailable").doesNotContainIgnoringCase("rate limit");
        // No status codes either; ids and timestamps are random and may hold the digits, so they go first.
        String text = events.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "")
                .replaceAll("\"at\":\"[^\"]*\"", "").replaceAll("(?m)^id:.*$", "");
        assertThat(text).doesNotContain("503").doesNotContain("429");
    }

    @Test
    void retryingEventsArriveInTheJobsSequenceBetweenTheirStagesEvents() {
        String session = E2e.uploadNotes(http, "Retro", "We fixed the build. We need to book the room.");
        ai.failNext(FakeOpenAiServer.Fault.UNAVAILABLE, FakeOpenAiServer.Fault.UNAVAILABLE);
        String job = E2e.enrich(http, session, "{\"stages\":[\"summary\"]}");
        assertThat(E2e.awaitEnd(http, job, Duration.ofSeconds(20)).get("state")).isEqualTo("completed");

        // The whole job stream, replayed from the log in sequence order.
        String body = http.get().uri("/api/v1/jobs/{id}/events", job).header("Last-Event-ID", "0")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        List<Frame> frames = frames(body);

        // One sequence, the job's (a replay leaves out progress that newer progress replaced).
        assertThat(frames).extracting(Frame::id).as("ids in %s", body).isSorted().doesNotHaveDuplicates();
        assertThat(frames).allSatisfy(f -> {
            assertThat(f.data().get("seq").asLong()).isEqualTo(f.id());
            assertThat(f.data().get("jobSeq").asLong()).isEqualTo(f.id());
        });
        List<String> summary = frames.stream()
                .filter(f -> "summary".equals(f.data().path("stage").asString(null)))
                .filter(f -> !f.event().equals("progress"))
                .map(f -> f.event() + ":" + f.data().path("stageState").asString("")
                        + f.data().path("detail").path("attempt").asString(""))
                .toList();
        assertThat(summary).containsExactly("stage:running", "retrying:running2", "retrying:running3",
                "stage:succeeded");
        assertThat(frames.get(frames.size() - 1).event()).isEqualTo("completed");
    }

    private record Frame(long id, String event, JsonNode data) {}

    private static List<Frame> frames(String body) {
        JsonMapper json = JsonMapper.builder().build();
        List<Frame> frames = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            Long id = null;
            String event = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("id:")) {
                    id = Long.parseLong(line.substring(3));
                } else if (line.startsWith("event:")) {
                    event = line.substring(6);
                } else if (line.startsWith("data:")) {
                    data = line.substring(5);
                }
            }
            if (id != null && event != null && data != null) {
                frames.add(new Frame(id, event, json.readTree(data)));
            }
        }
        return frames;
    }
}
