package dev.enrich.api;

import static dev.enrich.testing.SseClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.backend.memory.InMemoryEventLog;
import dev.enrich.events.EventPublisher;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.testing.MutableClock;
import dev.enrich.testing.Outputs;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import dev.enrich.testing.SseClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Progress events are throttled by the service's clock ({@code enrich.events.progress-interval}, 250 ms), not by how
 * fast this machine runs: the clock here stands still unless the test moves it, so the counts are exact.
 */
@ServiceTest
@Import(ProgressThrottleTest.StandingClock.class)
@Timeout(60)
class ProgressThrottleTest {

    @TestConfiguration(proxyBeanMethods = false)
    static class StandingClock {
        @Bean
        @Primary
        MutableClock standingClock() {
            return MutableClock.at("2026-01-01T09:00:00Z");
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    @Autowired
    InMemoryEventLog log;

    @Autowired
    MutableClock clock;

    SseClient client;

    @BeforeEach
    void reset() {
        stages.reset();
        client = new SseClient(port, http);
    }

    @Test
    void tenThousandTicksSendOneProgressEventPerIntervalOfTheClock() {
        Sinks.Empty<Void> nextInterval = Sinks.empty();
        stages.script(StageName.AUDIO, ctx -> ticks(1, 5_000)
                .concatWith(nextInterval.asMono().thenMany(ticks(5_001, 10_000)))
                .concatWith(Mono.just(StageUpdate.done(StageResult.succeeded(StageName.AUDIO, Outputs.of(StageName.AUDIO))))));
        String jobId = client.audioJob();
        String stream = EventPublisher.jobStream(jobId);
        // 1 progress "Starting...", 2 stage running, 3 the first tick's progress
        await().atMost(TIMEOUT).until(() -> log.lastSeqNow(stream) >= 3);

        // Ticks read before this see the clock where the first tick's event left it: none of them is sent. Of
        // those read after it, exactly one is: the others are within 250 ms of it.
        clock.advance(Duration.ofMillis(250));
        nextInterval.tryEmitEmpty();
        await().atMost(TIMEOUT).until(() -> client.jobState(jobId).equals("completed"));

        List<ServerSentEvent<String>> all = client.events("/api/v1/jobs/" + jobId + "/events", "0")
                .collectList().block(TIMEOUT);
        // 4 the second interval's progress, 5 stage done, 6 completed
        assertThat(all).last().satisfies(e -> {
            assertThat(e.event()).isEqualTo("completed");
            assertThat(SseClient.id(e)).as("events of the job, 2 of them progress of the 10,000 ticks").isEqualTo(6);
        });
        assertThat(log.lastSeqNow(stream)).isEqualTo(6);
    }

    private static Flux<StageUpdate> ticks(int from, int to) {
        return Flux.range(from, to - from + 1).map(i -> StageUpdate.progress(i / 10_001.0, "Analyzing audio..."));
    }
}
