package dev.enrich.api;

import static dev.enrich.testing.SseClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.backend.memory.InMemoryEventLog;
import dev.enrich.events.EventPublisher;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.testing.Outputs;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import dev.enrich.testing.SseClient;
import dev.enrich.testing.TestAuthAutoConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Prove heartbeats and flow control with a 200 ms heartbeat and unthrottled progress (every tick is an event), so
 * a client that does not read really falls behind.
 */
@ServiceTest
@Timeout(60)
class EventStreamFlowTest {

    private static final int TICKS = 20_000;

    @DynamicPropertySource
    static void fastHeartbeatNoThrottle(DynamicPropertyRegistry registry) {
        registry.add("enrich.events.heartbeat", () -> "200ms");
        registry.add("enrich.events.progress-interval", () -> "0ms");
    }

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    @Autowired
    InMemoryEventLog log;

    SseClient client;

    @BeforeEach
    void reset() {
        stages.reset();
        client = new SseClient(port, http);
    }

    @Test
    void idleStreamGetsHeartbeatComments() {
        Sinks.Empty<Void> gate = Sinks.empty();
        stages.script(StageName.AUDIO, ctx -> gate.asMono().thenMany(floodThenSucceed(3)));
        String jobId = client.audioJob();
        await().atMost(TIMEOUT).until(() -> log.lastSeqNow(EventPublisher.jobStream(jobId)) == 2);

        try (SseClient.RawStream sse = client.raw("/api/v1/jobs/" + jobId + "/events")) {
            assertThat(sse.frame()).containsExactly("retry:3000", ":stream open");
            assertThat(sse.frame()).contains("event:snapshot");
            assertThat(sse.frame()).containsExactly(":heartbeat");
            assertThat(sse.frame()).containsExactly(":heartbeat");
        } finally {
            gate.tryEmitEmpty();
        }
    }

    @Test
    void clientThatNeverReadsDoesNotBlockThePipeline() throws IOException {
        Sinks.Empty<Void> gate = Sinks.empty();
        stages.script(StageName.AUDIO, ctx -> gate.asMono().thenMany(floodThenSucceed(TICKS)));
        String jobId = client.audioJob();
        String stream = EventPublisher.jobStream(jobId);
        await().atMost(TIMEOUT).until(() -> log.lastSeqNow(stream) == 2);

        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(1024);
            socket.connect(new InetSocketAddress("localhost", port));
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/v1/jobs/" + jobId + "/events HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + TestAuthAutoConfiguration.BEARER + "\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(TIMEOUT).until(() -> log.subscriberCount(stream) == 1);

            gate.tryEmitEmpty();

            await().atMost(TIMEOUT).until(() -> client.jobState(jobId).equals("completed"));
            assertThat(log.lastSeqNow(stream)).as("every tick was an event").isGreaterThan(TICKS);
        }
        await().atMost(TIMEOUT).until(() -> log.subscriberCount(stream) == 0);
    }

    @Test
    void subscriberThatRequestsOneAndStallsDoesNotBlockThePipeline() {
        Sinks.Empty<Void> gate = Sinks.empty();
        stages.script(StageName.AUDIO, ctx -> gate.asMono().thenMany(floodThenSucceed(TICKS)));
        String jobId = client.audioJob();
        String stream = EventPublisher.jobStream(jobId);
        await().atMost(TIMEOUT).until(() -> log.lastSeqNow(stream) == 2);
        Stalling stalling = new Stalling();

        client.sse("/api/v1/jobs/" + jobId + "/events", null).subscribe(stalling);
        await().atMost(TIMEOUT).until(() -> log.subscriberCount(stream) == 1);
        gate.tryEmitEmpty();

        await().atMost(TIMEOUT).until(() -> client.jobState(jobId).equals("completed"));
        assertThat(stalling.received).hasSize(1);
        stalling.dispose();
        await().atMost(TIMEOUT).until(() -> log.subscriberCount(stream) == 0);
    }

    private static Flux<StageUpdate> floodThenSucceed(int ticks) {
        return Flux.range(1, ticks)
                .map(i -> StageUpdate.progress(i / (ticks + 1.0), "Analyzing audio..."))
                .concatWith(Mono.just(StageUpdate.done(audioResult())));
    }

    /** Take one event, then never ask for more. */
    private static final class Stalling extends BaseSubscriber<ServerSentEvent<String>> {
        final List<ServerSentEvent<String>> received = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(ServerSentEvent<String> value) {
            received.add(value);
        }
    }

    private static StageResult audioResult() {
        return StageResult.succeeded(StageName.AUDIO, Outputs.of(StageName.AUDIO));
    }
}
