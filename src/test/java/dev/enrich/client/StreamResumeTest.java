package dev.enrich.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import dev.enrich.testing.SseClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.TestPropertySource;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

/**
 * A job's stream through a TCP proxy that cuts it several times: while the proxy refuses connections the job moves
 * on, so the reconnect must replay from its Last-Event-ID; then cuts in the middle of a burst of progress. The SDK's
 * flux hands over every event once, in order, and completes after the job's end.
 */
@ServiceTest
@TestPropertySource(properties = "enrich.events.progress-interval=0ms")
@Timeout(120)
class StreamResumeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    ScriptedStages stages;

    @TempDir
    Path dir;

    private TcpProxy proxy;
    private Disposable stream;

    @BeforeEach
    void start() {
        stages.reset();
        proxy = TcpProxy.to(port);
    }

    @AfterEach
    void stop() {
        if (stream != null) {
            stream.dispose();
        }
        proxy.close();
        stages.reset();
    }

    @Test
    void everyEventArrivesOnceInOrderThroughSeveralCuts() throws Exception {
        Sinks.Empty<Void> audio = Sinks.empty();
        Sinks.Empty<Void> summary = Sinks.empty();
        stages.script(StageName.AUDIO, ctx -> audio.asMono()
                .thenMany(ScriptedStages.ticks(StageName.AUDIO, 5, Duration.ofMillis(2))));
        // A burst of progress to cut into: 100 ticks, 10 ms apart.
        stages.script(StageName.SUMMARY, ctx -> summary.asMono()
                .thenMany(ScriptedStages.ticks(StageName.SUMMARY, 100, Duration.ofMillis(10))));
        EnrichClient direct = Clients.client(port);
        Path wav = Files.write(dir.resolve("talk.wav"), Fixtures.wav(1, 8000));
        String session = direct.createSession(NewSession.builder("Cut").notes("We cut the cable.").audio(wav).build())
                .block(WAIT).id();
        String job = direct.enrich(session, EnrichOptions.stages(Stage.AUDIO, Stage.SUMMARY)).block(WAIT).id();

        List<JobEvent> seen = new CopyOnWriteArrayList<>();
        AtomicInteger burst = new AtomicInteger();
        Sinks.Empty<Void> done = Sinks.empty();
        stream = Clients.client(proxy.port()).events(job)
                .doOnNext(event -> {
                    seen.add(event);
                    // Cut at the 5th, 15th and 25th event of the burst, off the event loop (closing sockets blocks).
                    if (event instanceof JobEvent.Progress p && p.stage() == Stage.SUMMARY
                            && Set.of(5, 15, 25).contains(burst.incrementAndGet())) {
                        CompletableFuture.runAsync(proxy::cut);
                    }
                })
                .subscribe(e -> { }, done::tryEmitError, done::tryEmitEmpty);
        await().atMost(WAIT).until(() -> !seen.isEmpty());

        // Away while the audio stage runs and finishes: the reconnect replays what happened meanwhile.
        awayWhile(() -> audio.tryEmitEmpty(), () -> stageDone(direct, job, Stage.AUDIO));
        await().atMost(WAIT).until(() -> seen.stream().anyMatch(e -> e instanceof JobEvent.StageChanged s
                && s.stage() == Stage.AUDIO && s.stageState() == StageState.SUCCEEDED));
        // Away again while the summary starts its burst; then cut within the burst (above).
        awayWhile(() -> summary.tryEmitEmpty(), () -> direct.job(job).block(WAIT).stages().stream()
                .anyMatch(s -> s.stage() == Stage.SUMMARY && s.progress() > 0));

        done.asMono().block(WAIT);
        List<ServerSentEvent<String>> log = new SseClient(port).events("/api/v1/jobs/" + job + "/events", "0")
                .collectList().block(WAIT);
        ResumeAssertions.everyEventOnceInOrder(seen, log, JobEvent.Completed.class);

        List<TcpProxy.Connection> connections = proxy.connections();
        assertThat(burst).as("progress events of the burst seen").hasValueGreaterThan(25);
        assertThat(connections).as("connections: the first, two after being away, three in the burst").hasSize(6);
        assertThat(connections.get(0).lastEventId()).as("the first connection").isNull();
        List<Long> resumedFrom = connections.stream().skip(1).map(TcpProxy.Connection::lastEventId).toList();
        assertThat(resumedFrom).as("every reconnect says where it was").doesNotContainNull().isSorted();
        assertThat(seen).extracting(JobEvent::seq).containsAll(resumedFrom.stream().map(Objects::requireNonNull)
                .toList());
    }

    /** Cut the stream and refuse reconnects while {@code action} runs, until {@code until} holds; then let it in. */
    private void awayWhile(Runnable action, java.util.concurrent.Callable<Boolean> until) {
        proxy.refuse(true);
        proxy.cut();
        action.run();
        await().atMost(WAIT).until(until);
        proxy.refuse(false);
    }

    private static boolean stageDone(EnrichClient client, String job, Stage stage) {
        return client.job(job).block(WAIT).stages().stream()
                .anyMatch(s -> s.stage() == stage && s.state() == StageState.SUCCEEDED);
    }
}
