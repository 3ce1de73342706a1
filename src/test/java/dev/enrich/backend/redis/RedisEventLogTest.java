package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.events.EventLog.Opened;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.job.JobState;
import dev.enrich.testing.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Two replicas on one real redis-server: live delivery across replicas, resume, one subscription, crash survival. */
class RedisEventLogTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private RedisServer redis;
    private final List<LettuceConnectionFactory> factories = new ArrayList<>();
    private final List<RedisEventLog> logs = new ArrayList<>();
    private final List<Disposable> subscriptions = new ArrayList<>();
    private final Scheduler fanout = Schedulers.newParallel("redis-event-log-test", 2, true);

    @AfterEach
    void stop() {
        subscriptions.forEach(Disposable::dispose);
        logs.forEach(RedisEventLog::stop);
        factories.forEach(LettuceConnectionFactory::destroy);
        fanout.dispose();
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aSubscriberOnReplicaBSeesEveryEventAppendedOnAInOrderWithTheSameIds() {
        redis = RedisServer.start(dir, false);
        RedisEventLog a = replica();
        RedisEventLog b = replica();
        Queue<JobEvent> seen = follow(b.open("job:x", -1).block(TIMEOUT));

        List<JobEvent> stored = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            stored.add(a.append("job:x", i == 49 ? event(EventType.COMPLETED) : event(EventType.STAGE)).block());
        }

        await().atMost(TIMEOUT).until(() -> seen.size() == 50);
        assertThat(seen).extracting(JobEvent::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
        assertThat(new ArrayList<>(seen)).isEqualTo(stored);
    }

    @Test
    void appendsFromTwoReplicasAreNumberedInOneSequenceThatEveryReplicaReports() {
        redis = RedisServer.start(dir, false);
        RedisEventLog a = replica();
        RedisEventLog b = replica();

        for (int i = 1; i <= 10; i++) {
            JobEvent stored = (i % 2 == 0 ? b : a).append("job:x", event(EventType.STAGE)).block(TIMEOUT);
            assertThat(stored).extracting(JobEvent::seq, JobEvent::jobSeq).containsExactly((long) i, (long) i);
        }

        assertThat(a.lastSeq("job:x").block(TIMEOUT)).isEqualTo(10);
        assertThat(replica().lastSeq("job:x").block(TIMEOUT)).isEqualTo(10);
        assertThat(b.lastSeq("job:unknown").block(TIMEOUT)).isZero();
    }

    @Test
    void aSubscriberResumingOnBReplaysExactlyTheMissedEventsThenGoesLive() {
        redis = RedisServer.start(dir, false);
        RedisEventLog a = replica();
        for (int i = 0; i < 10; i++) {
            a.append("job:x", event(EventType.STAGE)).block();
        }
        RedisEventLog b = replica(); // started after the events: its mirror never saw them

        Opened opened = b.open("job:x", 6).block(TIMEOUT);
        assertThat(opened).extracting(Opened::lastSeq, Opened::gap).containsExactly(10L, false);
        Queue<JobEvent> seen = follow(opened);
        await().atMost(TIMEOUT).until(() -> seen.size() == 4);
        a.append("job:x", event(EventType.COMPLETED)).block();

        await().atMost(TIMEOUT).until(() -> seen.size() == 5);
        assertThat(seen).extracting(JobEvent::seq).containsExactly(7L, 8L, 9L, 10L, 11L);
        Opened exact = b.open("job:x", 6).block();
        assertThat(exact.gap()).isFalse();
        assertThat(exact.lastSeq()).isEqualTo(11);
        exact.release();
    }

    @Test
    void manySubscribersShareOneRedisSubscriptionPerReplica() {
        redis = RedisServer.start(dir, false);
        RedisEventLog a = replica();
        List<Queue<JobEvent>> followers = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            followers.add(follow(a.open("job:" + (i % 20), -1).block(TIMEOUT)));
        }

        for (int j = 0; j < 20; j++) {
            a.append("job:" + j, event(EventType.STAGE)).block(TIMEOUT);
        }

        await().atMost(TIMEOUT).until(() -> followers.stream().allMatch(f -> f.size() == 1));
        assertThat(redis.command("PUBSUB NUMPAT")).isEqualTo(":1");
        assertThat(clientsSubscribed()).isEqualTo(1);
    }

    @Test
    void eventsSurviveARedisCrashWithAppendOnlyAndLiveDeliveryResumes() {
        redis = RedisServer.start(dir, true);
        RedisEventLog a = replica();
        RedisEventLog b = replica();
        for (int i = 0; i < 5; i++) {
            a.append("job:x", event(EventType.STAGE)).block();
        }
        await().atMost(TIMEOUT).until(() -> b.mirroredSeq("job:x") == 5);

        redis.kill();
        redis.restart();

        RedisEventLog c = replica(); // never saw the events: it reads them from the restarted server
        Opened replayed = await().atMost(TIMEOUT).ignoreExceptions()
                .until(() -> c.open("job:x", 0).block(Duration.ofSeconds(2)), o -> o != null);
        Queue<JobEvent> seen = follow(replayed);
        Queue<JobEvent> onB = follow(b.open("job:x", 5).block(TIMEOUT));
        await().atMost(TIMEOUT).until(() -> seen.size() == 5);
        // Lettuce resubscribes the patterns of a and b on reconnect (NUMPAT counts distinct patterns, so count the
        // clients); its reconnect backoff grows while the server is down (up to 30 s between attempts by default).
        await().atMost(Duration.ofSeconds(90)).until(() -> clientsSubscribed() == 3);
        assertThat(a.append("job:x", event(EventType.COMPLETED)).block(TIMEOUT).seq()).isEqualTo(6);

        await().atMost(TIMEOUT).until(() -> seen.size() == 6 && onB.size() == 1);
        assertThat(seen).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(onB).extracting(JobEvent::seq).containsExactly(6L);
    }

    @Test
    void noStreamOutlivesItsUseABatchsOrUsersExpiresAfterItsLatestEventAJobsAfterItsEnd() {
        redis = RedisServer.start(dir, false);
        RedisEventLog log = replica();

        log.append("job:x", event(EventType.STAGE)).block(TIMEOUT);
        log.append("batch:b", event(EventType.STAGE)).block(TIMEOUT);
        log.append("user:tenant-1", event(EventType.STAGE)).block(TIMEOUT);

        assertThat(redis.command("TTL enrich:{stream:job:x}:events")).isEqualTo(":-1"); // running: kept
        assertThat(ttl("enrich:{stream:batch:b}:events")).isBetween(Duration.ofDays(7).minusMinutes(1).toSeconds(),
                Duration.ofDays(7).toSeconds());
        assertThat(ttl("enrich:{stream:user:tenant-1}:events")).isPositive();
        log.append("job:x", event(EventType.COMPLETED)).block(TIMEOUT);
        assertThat(ttl("enrich:{stream:job:x}:events")).isBetween(1L, Duration.ofHours(1).toSeconds());
    }

    private long ttl(String key) {
        return Long.parseLong(redis.command("TTL " + key).substring(1));
    }

    private RedisEventLog replica() {
        LettuceConnectionFactory factory = redis.connect();
        factories.add(factory);
        RedisEventLog log = RedisEventLogContractTest.start(factory, 100, fanout);
        logs.add(log);
        return log;
    }

    private Queue<JobEvent> follow(Opened opened) {
        Queue<JobEvent> seen = new ConcurrentLinkedQueue<>();
        subscriptions.add(opened.batches().subscribe(seen::addAll));
        return seen;
    }

    // Clients with a pattern subscription, from CLIENT LIST (psub=<n>), read over the harness's inline protocol.
    private long clientsSubscribed() {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", redis.port())) {
            socket.getOutputStream().write("CLIENT LIST\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            int length = Integer.parseInt(in.readLine().substring(1));
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                read += in.read(body, read, length - read);
            }
            return new String(body).lines().filter(line -> !line.contains(" psub=0 ")).count();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JobEvent event(EventType type) {
        JobState state = type == EventType.COMPLETED ? JobState.COMPLETED : JobState.RUNNING;
        return new JobEvent(type, 0, 0, "x", null, "tenant-1", state, 0.5, 12L, type.id(), "transcribe", null, 0.25,
                null, Instant.parse("2026-01-02T03:04:05.678Z"));
    }
}
