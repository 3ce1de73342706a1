package dev.enrich.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.stage.audio.WavFixtures;
import dev.enrich.testing.EnrichProcess;
import dev.enrich.testing.RedisServer;
import dev.enrich.testing.SseClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

/**
 * Two Enrich replicas (processes of their own) on one real redis-server, and the SDK following a job through a TCP
 * proxy that cuts the connection several times and sends each reconnect to the other replica. The job sits in its
 * summary call (a fake AI provider holds the answer) until the test lets it finish, while the proxy refuses
 * connections: the last reconnect, on the other replica, must replay the end from Redis.
 */
@Timeout(300)
class RedisStreamResumeTest {

    private static final String CHAT = "/chat/completions";
    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    private RedisServer redis;
    private FakeOpenAiServer ai;
    private final List<EnrichProcess> replicas = new ArrayList<>();
    private TcpProxy proxy;
    private Disposable stream;

    @BeforeEach
    void start() {
        redis = RedisServer.start(dir.resolve("redis"), false);
        ai = FakeOpenAiServer.start();
        ai.hold(CHAT);
    }

    @AfterEach
    void stop() {
        if (stream != null) {
            stream.dispose();
        }
        if (proxy != null) {
            proxy.close();
        }
        replicas.forEach(EnrichProcess::close);
        ai.close();
        redis.close();
    }

    @Test
    void reconnectsOnTheOtherReplicaHandOverEveryEventOnceInOrder() throws Exception {
        CompletableFuture<EnrichProcess> startingB = CompletableFuture.supplyAsync(() -> replica("b"));
        EnrichProcess a = replica("a");
        EnrichProcess b = startingB.join();
        EnrichClient onA = Clients.client(a.port());
        EnrichClient onB = Clients.client(b.port());
        byte[] wav = WavFixtures.bytes(WavFixtures.Format.mono16(16000), 6,
                WavFixtures.bursts(16000, new double[][] {{1, 3}, {4, 5.5}}, 0.3, 300, 0.001));
        Path audio = Files.write(dir.resolve("talk.wav"), wav);
        String session = onA.createSession(NewSession.builder("Replicas")
                .notes("We planned the release. I'll write the notes.").audio(audio).build()).block(WAIT).id();
        String job = onA.enrich(session, EnrichOptions.stages(Stage.AUDIO, Stage.SUMMARY)).block(WAIT).id();

        proxy = TcpProxy.to(a.port());
        List<JobEvent> seen = new CopyOnWriteArrayList<>();
        Sinks.Empty<Void> done = Sinks.empty();
        stream = Clients.client(proxy.port()).events(job)
                .subscribe(seen::add, done::tryEmitError, done::tryEmitEmpty);
        await("the job in its summary call").atMost(WAIT).until(() -> ai.count(CHAT) == 1);
        await("the audio stage's end seen").atMost(WAIT).until(() -> seen.stream()
                .anyMatch(e -> e instanceof JobEvent.StageChanged s && s.stage() == Stage.AUDIO
                        && s.stageState() == StageState.SUCCEEDED));

        switchTo(b, 2);
        switchTo(a, 3);
        // Away while the job finishes; the reconnect lands on b, which replays the end from Redis.
        proxy.refuse(true);
        proxy.target(b.port());
        proxy.cut();
        ai.release();
        await("the job completed").atMost(WAIT).until(() -> onB.job(job).block(WAIT).state() == JobState.COMPLETED);
        proxy.refuse(false);
        done.asMono().block(WAIT);

        List<ServerSentEvent<String>> log = new SseClient(b.port()).events("/api/v1/jobs/" + job + "/events", "0")
                .collectList().block(WAIT);
        ResumeAssertions.everyEventOnceInOrder(seen, log, JobEvent.Completed.class);
        List<TcpProxy.Connection> connections = proxy.connections();
        assertThat(connections).extracting(TcpProxy.Connection::targetPort)
                .as("replicas that served the stream, in order").startsWith(a.port(), b.port(), a.port())
                .endsWith(b.port());
        assertThat(connections.stream().skip(1).map(TcpProxy.Connection::lastEventId).toList())
                .as("every reconnect says where it was").doesNotContainNull().isSorted();
    }

    /** Cut the stream and send its reconnect to {@code replica}; wait until that is where it is open. */
    private void switchTo(EnrichProcess replica, int connections) {
        proxy.target(replica.port());
        proxy.cut();
        await("reconnected to " + replica.port()).atMost(WAIT).until(() -> proxy.connections().size() >= connections
                && proxy.open() == 1);
    }

    private EnrichProcess replica(String name) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("enrich.backend", "redis");
        p.put("spring.data.redis.host", "127.0.0.1");
        p.put("spring.data.redis.port", Integer.toString(redis.port()));
        p.put("enrich.media.dir", dir.resolve("media").toString()); // the volume the replicas share
        p.put("enrich.redis.queue.consumer", name);
        p.put("enrich.pool.concurrency", "1");
        p.put("enrich.ai.base-url", ai.baseUrl());
        p.put("enrich.ai.api-key", "sk-test-sdk");
        p.put("enrich.ai.response-timeout", "5m"); // a held answer is not a slow provider
        EnrichProcess replica = EnrichProcess.start(name, dir.resolve(name), p);
        synchronized (replicas) {
            replicas.add(replica);
        }
        return replica;
    }
}
