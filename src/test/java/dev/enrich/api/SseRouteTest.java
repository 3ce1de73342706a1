package dev.enrich.api;

import static dev.enrich.testing.SseClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.pipeline.StageName;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import dev.enrich.testing.SseClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.SignalType;

/**
 * Event streams served by {@link SseRoute}: the web handler decides (and ends its exchange with the headers), then
 * the stream goes on outside it, so an open stream holds none of the exchange's state.
 */
@ServiceTest
@Import(SseRouteTest.ExchangeEnds.class)
class SseRouteTest {

    @LocalServerPort
    int port;

    @Autowired
    ScriptedStages stages;

    @Autowired
    WebTestClient http;

    @Autowired
    Map<String, SignalType> exchangeEnds;

    private SseClient client;

    @BeforeEach
    void setUp() {
        stages.reset();
        exchangeEnds.clear();
        client = new SseClient(port);
    }

    @Test
    void anAcceptedStreamOutlivesItsExchangeAndStillGetsItsEvents() {
        stages.script(StageName.AUDIO, ctx -> ScriptedStages.forever(StageName.AUDIO, Duration.ofMillis(20)));
        String jobId = client.audioJob();

        try (SseClient.RawStream stream = client.raw("/api/v1/jobs/" + jobId + "/events")) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
            assertThat(stream.header("X-Content-Type-Options")).isEqualTo("nosniff"); // the security chain's headers
            // The exchange that decided on the stream is over while the stream is open...
            await().atMost(TIMEOUT).until(() -> exchangeEnds.get("/api/v1/jobs/" + jobId + "/events") != null);
            assertThat(exchangeEnds).containsEntry("/api/v1/jobs/" + jobId + "/events", SignalType.ON_COMPLETE);
            // ...and its events keep coming: the snapshot, then live progress.
            List<String> first = frames(stream, 3);
            assertThat(first).anyMatch(f -> f.contains("event:snapshot"));
            assertThat(first).anyMatch(f -> f.contains("event:progress") || f.contains("event:stage"));
        }
    }

    @Test
    void aRefusalIsAnsweredAsTheWebHandlerWroteIt() {
        try (SseClient.RawStream stream = client.raw("/api/v1/jobs/no-such-job/events")) {
            assertThat(stream.status()).isEqualTo(404);
            assertThat(stream.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(String.join("\n", stream.frame())).contains("\"status\":404");
        }
    }

    @AfterEach
    void cancelEverything() {
        ApiTestSupport.cancelUnfinishedJobs(http);
        await().atMost(TIMEOUT).until(() -> stages.active() == 0);
    }

    private static List<String> frames(SseClient.RawStream stream, int n) {
        return IntStream.range(0, n).mapToObj(i -> String.join("\n", stream.frame())).toList();
    }

    /** Record, per event stream path, how its web exchange ended. */
    @TestConfiguration
    static class ExchangeEnds {

        @Bean
        Map<String, SignalType> exchangeEnds() {
            return new ConcurrentHashMap<>();
        }

        @Bean
        WebFilter recordExchangeEnds(Map<String, SignalType> exchangeEnds) {
            return (exchange, chain) -> chain.filter(exchange).doFinally(signal -> {
                String path = exchange.getRequest().getPath().value();
                if (path.endsWith("/events")) {
                    exchangeEnds.put(path, signal);
                }
            });
        }
    }
}
