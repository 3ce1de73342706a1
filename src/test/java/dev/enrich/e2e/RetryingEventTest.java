package dev.enrich.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.fake.FakeOpenAiServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A transient AI failure shows up on the job's stream as a friendly {@code retrying} event, then the job recovers. */
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
}
