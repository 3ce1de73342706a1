package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.stage.audio.WavFixtures;
import dev.enrich.testing.EnrichProcess;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.RedisServer;
import dev.enrich.testing.SseClient;
import dev.enrich.testing.TestAuthAutoConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

/**
 * Enrich replicas as processes of their own on one real redis-server (AOF on): what only separate JVMs show. A job
 * submitted on one replica is followed over SSE on another; {@code kill -9} of a replica in the middle of jobs loses
 * none (the other takes them over and does not rerun checkpointed stages); nor does {@code kill -9} of a replica
 * while a job waits for its automatic retry (another replica runs it when the wait is over); a restart of the only
 * replica (SIGTERM) and a crash and restart of Redis keep every accepted job.
 *
 * <p>Jobs run the audio and summary stages against a fake AI provider (a real HTTP server in this JVM) whose chat
 * answers are held: so a job is known to be inside its summary call, after its audio stage was checkpointed, when a
 * replica or Redis is struck. The audio stage's transcription call counts how often audio ran.
 */
class ReplicasTest {

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
    private static final String CHAT = "/chat/completions";
    private static final String TRANSCRIPTION = "/audio/transcriptions";
    private static final Duration LONG = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    private RedisServer redis;
    private FakeOpenAiServer ai;
    private final List<EnrichProcess> replicas = new ArrayList<>();
    private final List<Disposable> streams = new ArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisServer.start(dir.resolve("redis"), true);
        ai = FakeOpenAiServer.start();
        ai.hold(CHAT);
    }

    @AfterEach
    void stop() {
        streams.forEach(Disposable::dispose);
        replicas.forEach(EnrichProcess::close);
        ai.close();
        redis.close();
    }

    @Test
    void killingAReplicaInTheMiddleOfJobsLosesNoneAndRerunsNoCheckpointedStage() {
        List<EnrichProcess> ab = startAll("a", "b");
        EnrichProcess a = ab.get(0);
        EnrichProcess b = ab.get(1);
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            jobs.add(submit(a, "Session " + i));
        }
        // Two slots per replica: four jobs sit in their summary call, their audio checkpointed; two wait.
        await("four jobs in their summary call").atMost(LONG).until(() -> ai.count(CHAT) == 4);
        String onA = startedOn(a, jobs);
        List<ServerSentEvent<String>> seenOnB = follow(b, onA);

        a.kill();
        ai.release();

        for (String job : jobs) {
            await("job " + job + " completed on b").atMost(LONG).until(() -> state(b, job), "completed"::equals);
        }
        assertThat(b.log()).contains("job taken over job=" + onA);
        // Every job's audio ran once: the two taken over resumed after their checkpointed audio stage.
        assertThat(ai.count(TRANSCRIPTION)).isEqualTo(jobs.size());
        // The two summary calls lost with a were made again by b; no other call twice.
        assertThat(ai.count(CHAT)).isEqualTo(jobs.size() + 2);
        await("b's stream of the job ended").atMost(LONG).until(() -> !seenOnB.isEmpty()
                && SseClient.terminal(seenOnB.get(seenOnB.size() - 1)));
        assertEveryEventInOrder(seenOnB, "completed");
    }

    @Test
    void aRestartOfTheOnlyReplicaKeepsEveryJobAndResumesTheInterruptedOne() {
        EnrichProcess a = startAll("a").get(0);
        List<String> jobs = List.of(submit(a, "First"), submit(a, "Second"), submit(a, "Third"));
        await("two jobs in their summary call").atMost(LONG).until(() -> ai.count(CHAT) == 2);

        // SIGTERM: the drain (1 s) interrupts the two running jobs and hands them back to the queue in Redis.
        // 143 = 128 + SIGTERM: the JVM's exit after its shutdown hooks ran (what an orchestrator sees as a stop).
        assertThat(a.terminate()).as("exit code after SIGTERM").isEqualTo(143);
        assertThat(a.log()).contains("draining: no new jobs")
                .as("timers stopped before the Redis connection factory").doesNotContain("has been STOPPED")
                .doesNotContain("onErrorDropped");
        ai.release();
        a.restart();

        for (String job : jobs) {
            await("job " + job + " completed after the restart").atMost(LONG)
                    .until(() -> state(a, job), "completed"::equals);
        }
        assertThat(ai.count(TRANSCRIPTION)).as("audio checkpoints kept across the restart").isEqualTo(3);
        assertThat(ai.count(CHAT)).as("the two interrupted summaries ran again").isEqualTo(5);
    }

    @Test
    void acceptedJobsSurviveACrashAndRestartOfRedis() {
        EnrichProcess a = startAll("a").get(0);
        List<String> jobs = List.of(submit(a, "First"), submit(a, "Second"), submit(a, "Third"));
        await("two jobs in their summary call").atMost(LONG).until(() -> ai.count(CHAT) == 2);
        List<ServerSentEvent<String>> seen = follow(a, jobs.get(2));

        redis.kill();
        redis.restart();
        ai.release();

        for (String job : jobs) {
            await("job " + job + " completed after Redis came back").atMost(LONG)
                    .until(() -> state(a, job), "completed"::equals);
        }
        assertThat(ai.count(TRANSCRIPTION)).isEqualTo(3);
        await("the stream of the job ended").atMost(LONG).until(() -> !seen.isEmpty()
                && SseClient.terminal(seen.get(seen.size() - 1)));
        assertEveryEventInOrder(seen, "completed");
    }

    @Test
    void aJobWaitingForItsRetryWhenItsReplicaIsKilledIsRunByAnotherWhenTheWaitIsOver() {
        // Stages that succeed at once, but the summary times out (a transient cause) until the healthy file exists.
        Path healthy = dir.resolve("healthy");
        Map<String, String> retrying = new LinkedHashMap<>();
        retrying.put("enrich.jobs.first-backoff", "8s");
        retrying.put("enrich.jobs.max-backoff", "8s");
        retrying.put("enrich.jobs.jitter", "0");
        List<CompletableFuture<EnrichProcess>> starting = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            Map<String, String> p = settings(name);
            p.putAll(retrying);
            starting.add(CompletableFuture.supplyAsync(() -> EnrichProcess.start(name, dir.resolve(name),
                    List.of("-Denrich.test.healthy=" + healthy, FlakySummaryApp.class.getName()), p, Map.of())));
        }
        starting.forEach(s -> replicas.add(s.join()));
        String job = submit(replicas.get(0), "Retried");

        // Its first run failed on one replica (either may take it); the wait before its second is held in Redis. That
        // replica dies during the wait.
        await("the job's wait held in Redis").atMost(LONG)
                .until(() -> !redis.command("ZSCORE enrich:queue:delayed " + job).equals("$-1"));
        // Log lines are written asynchronously: the line may come a moment after the wait is in Redis.
        EnrichProcess ran = await("a replica logged the retry").atMost(LONG).until(() -> replicas.stream()
                .filter(r -> r.log().contains("job retrying job=" + job)).findFirst(), Optional::isPresent)
                .orElseThrow();
        EnrichProcess survivor = replicas.get(ran == replicas.get(0) ? 1 : 0);
        ran.kill();
        assertThat(Pattern.compile("job started job=" + job).matcher(ran.log()).results().count())
                .as("the killed replica ran it once").isEqualTo(1);
        assertThat(survivor.log()).doesNotContain("job started job=" + job);
        List<ServerSentEvent<String>> seen = follow(survivor, job);
        healthy.toFile().mkdirs();

        await("job completed on the survivor").atMost(LONG).until(() -> state(survivor, job), "completed"::equals);
        Map<String, Object> view = client(survivor).get().uri("/api/v1/jobs/{id}", job).exchange()
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(view.get("attempt")).as("its second run").isEqualTo(2);
        assertThat(survivor.log()).contains("job started job=" + job).doesNotContain("job taken over job=" + job);
        assertThat(redis.command("ZCARD enrich:queue:delayed")).isEqualTo(":0");
        await("the survivor's stream of the job ended").atMost(LONG).until(() -> !seen.isEmpty()
                && SseClient.terminal(seen.get(seen.size() - 1)));
        assertThat(seen.stream().map(ServerSentEvent::event).toList()).contains("retrying")
                .last().isEqualTo("completed");
    }

    private List<EnrichProcess> startAll(String... names) {
        List<CompletableFuture<EnrichProcess>> starting = new ArrayList<>();
        for (String name : names) {
            starting.add(CompletableFuture.supplyAsync(() -> EnrichProcess.start(name, dir.resolve(name),
                    settings(name))));
        }
        List<EnrichProcess> started = new ArrayList<>();
        for (CompletableFuture<EnrichProcess> s : starting) {
            EnrichProcess replica = s.join();
            replicas.add(replica);
            started.add(replica);
        }
        return started;
    }

    private Map<String, String> settings(String name) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("enrich.backend", "redis");
        p.put("spring.data.redis.host", "127.0.0.1");
        p.put("spring.data.redis.port", Integer.toString(redis.port()));
        p.put("enrich.media.dir", dir.resolve("media").toString()); // the volume the replicas share
        p.put("enrich.redis.queue.consumer", name);
        p.put("enrich.redis.queue.idle-time", "3s");
        p.put("enrich.redis.queue.refresh-interval", "1s");
        p.put("enrich.redis.queue.claim-interval", "1s");
        p.put("enrich.redis.queue.read-ahead", "0");
        p.put("enrich.pool.concurrency", "2");
        p.put("enrich.pool.drain-timeout", "1s");
        p.put("enrich.ai.base-url", ai.baseUrl());
        p.put("enrich.ai.api-key", "sk-test-replicas");
        p.put("enrich.ai.response-timeout", "5m"); // a held answer is not a slow provider
        return p;
    }

    private static String submit(EnrichProcess replica, String title) {
        WebTestClient http = client(replica);
        byte[] wav = WavFixtures.bytes(WavFixtures.Format.mono16(16000), 6,
                WavFixtures.bursts(16000, new double[][] {{1, 3}, {4, 5.5}}, 0.3, 300, 0.001));
        Map<String, Object> session = http.post().uri("/api/v1/sessions")
                .bodyValue(Fixtures.session(title, "We planned the release. I'll write the notes.", wav))
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        return (String) http.post().uri("/api/v1/sessions/{id}/enrichments", session.get("id"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("stages", List.of("audio", "summary")))
                .exchange().expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody()
                .get("jobId");
    }

    private static Object state(EnrichProcess replica, String job) {
        return client(replica).get().uri("/api/v1/jobs/{id}", job).exchange().expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody().get("state");
    }

    /** Follow a job's events on {@code replica} from its first event (Last-Event-ID 0), collecting them. */
    // Follow a job's stream from its start; return once the stream is open (its opening frame came), so that what the
    // test does next (kill Redis) cannot come before the request.
    private List<ServerSentEvent<String>> follow(EnrichProcess replica, String job) {
        List<ServerSentEvent<String>> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean open = new AtomicBoolean();
        streams.add(new SseClient(replica.port(), client(replica)).sse("/api/v1/jobs/" + job + "/events", "0")
                .doOnNext(frame -> open.set(true))
                .filter(frame -> frame.event() != null)
                .subscribe(seen::add));
        await("the stream of job " + job + " open").atMost(LONG).untilTrue(open);
        return seen;
    }

    /** Return a job of {@code jobs} that {@code replica} started (its log says so). */
    private static String startedOn(EnrichProcess replica, List<String> jobs) {
        Matcher started = Pattern.compile("job started job=(\\S+)").matcher(replica.log());
        while (started.find()) {
            if (jobs.contains(started.group(1))) {
                return started.group(1);
            }
        }
        throw new AssertionError("no job started on the replica; its log:\n" + replica.log());
    }

    /**
     * Assert the events came in order, none twice, ending with {@code last}, and every stage event is there: a
     * replayed backlog may skip a progress event that a newer one of the job supersedes (the event log's contract),
     * nothing else.
     */
    private static void assertEveryEventInOrder(List<ServerSentEvent<String>> seen, String last) {
        List<Long> ids = seen.stream().map(SseClient::id).toList();
        assertThat(ids).as("ids of %s", seen).isSorted().doesNotHaveDuplicates();
        assertThat(seen.get(seen.size() - 1).event()).isEqualTo(last);
        List<String> stages = seen.stream().filter(e -> "stage".equals(e.event()))
                .map(e -> SseClient.data(e).get("stage") + " " + SseClient.data(e).get("stageState")).toList();
        assertThat(stages).as("stage events").containsSubsequence("audio running", "audio succeeded",
                "summary running", "summary succeeded");
    }

    private static WebTestClient client(EnrichProcess replica) {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + replica.port())
                .defaultHeader(HttpHeaders.AUTHORIZATION, TestAuthAutoConfiguration.BEARER)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }
}
