package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.backend.JobMovesContract;
import dev.enrich.events.JobEvent;
import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import dev.enrich.queue.QueuedJob;
import dev.enrich.testing.Json;
import dev.enrich.testing.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.scheduler.Schedulers;

/** The moves contract against a real redis-server: the move and its event in one script. */
class RedisJobMovesTest extends JobMovesContract {

    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path dir;

    private RedisServer redis;
    private LettuceConnectionFactory factory;
    private RedisEventLog redisLog;
    private final List<RedisJobQueue> queues = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start(dir, false);
        factory = redis.connect();
        ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(factory);
        RedisJobRepository redisJobs = new RedisJobRepository(template, Json.mapper(), 10, 10);
        redisLog = RedisEventLogContractTest.start(factory, 10, Schedulers.immediate());
        jobs = redisJobs;
        log = redisLog;
        // The mover's queue gives the moves its keys and its timer for the waits; not started (no timers, no sweep).
        moves = new RedisJobMoves(template, redisJobs, redisLog, unstarted("a"));
    }

    // A replica's queue whose takeover and claim timers never fire within a test; its view and its sweep of the
    // waits that are over run every 100 ms.
    private RedisJobQueue replica(String consumer) {
        RedisJobQueue queue = unstarted(consumer);
        queue.start();
        return queue;
    }

    private RedisJobQueue unstarted(String consumer) {
        RedisJobQueue queue = new RedisJobQueue(factory, 1000, 4, new RedisQueueProperties("enrich:queue", "workers",
                consumer, 0, 256, Duration.ofMillis(200), Duration.ofHours(2), Duration.ofHours(1),
                Duration.ofHours(1), 3, 100, Duration.ofMillis(100)));
        queues.add(queue);
        return queue;
    }

    @AfterEach
    void stopRedis() {
        queues.forEach(RedisJobQueue::close);
        redisLog.stop();
        factory.destroy();
        redis.close();
    }

    @Test
    void aRetryMoveHoldsTheWaitInTheSameStepSoAnotherReplicaQueuesTheJobIfThisOneDiesRightAfter() {
        Job running = Job.queued("j8", "t1", "s1", null, Priority.BATCH, EnumSet.of(StageName.AUDIO), T)
                .withState(JobState.RUNNING, "Starting...", T);
        jobs.save(running).block(WAIT);
        Job retried = running.withState(JobState.FAILED, "Failed.", T).retried(T);
        JobEvent event = JobEvent.progress(retried, null, T);
        ReactiveStringRedisTemplate redisTemplate = new ReactiveStringRedisTemplate(factory);
        Duration wait = Duration.ofHours(1); // never over by itself within the test

        assertThat(moves.holdsWaits()).isTrue();
        Job other = running.withState(JobState.CANCELLED, "Cancelled.", T);
        assertThat(moves.moveToRetry(JobState.QUEUED, other, "job:j8", List.of(), event, wait, T).block(WAIT))
                .as("not in the state: nothing moved").isEmpty();
        assertThat(redisTemplate.opsForZSet().size("enrich:queue:delayed").block(WAIT)).as("nothing held").isZero();

        assertThat(moves.moveToRetry(JobState.RUNNING, retried, "job:j8", List.of("user:t1"), event, wait, T)
                .block(WAIT)).isPresent();
        assertThat(redisTemplate.opsForZSet().score("enrich:queue:delayed", "j8").block(WAIT))
                .as("held with the move").isNotNull();
        assertThat(jobs.findById("j8").block(WAIT)).isEqualTo(retried);

        // The replica that moved it dies at once (its own timer for the wait goes with it). When the wait is over
        // (here: its due time set to the past), another replica's sweep queues the job, for its attempt 2.
        queues.get(0).close();
        RedisJobQueue survivor = replica("b");
        redisTemplate.opsForZSet().add("enrich:queue:delayed", "j8", 0).block(WAIT);
        QueuedJob due = await().atMost(Duration.ofMinutes(1)).until(survivor::poll, Optional::isPresent).orElseThrow();
        assertThat(due.jobId()).isEqualTo("j8");
        assertThat(due.attempt()).isEqualTo(2);
        assertThat(due.tenant()).isEqualTo("t1");
        assertThat(due.priority()).isEqualTo(Priority.BATCH);

        // The same move tried again after a lost reply holds nothing again: the wait was queued meanwhile.
        assertThat(moves.moveToRetry(JobState.RUNNING, retried, "job:j8", List.of("user:t1"), event, wait, T)
                .block(WAIT)).isPresent();
        assertThat(redisTemplate.opsForZSet().size("enrich:queue:delayed").block(WAIT)).isZero();
        assertThat(log.lastSeq("job:j8").block(WAIT)).as("appended once").isEqualTo(1);
    }

    @Test
    void aMoveTriedAgainAfterItsReplyWasLostAnswersAsItDidAndAppendsNothingAgain() {
        Job queued = Job.queued("j9", "t1", "s1", null, Priority.BATCH, EnumSet.of(StageName.AUDIO), T);
        jobs.save(queued).block(WAIT);
        Job running = queued.withState(JobState.RUNNING, "Starting...", T);
        JobEvent event = JobEvent.progress(running, null, T);

        Optional<JobEvent> first = moves.move(JobState.QUEUED, running, null, "job:j9", List.of("user:t1"), event)
                .block(WAIT);
        Optional<JobEvent> again = moves.move(JobState.QUEUED, running, null, "job:j9", List.of("user:t1"), event)
                .block(WAIT);

        assertThat(again).as("not STALE: the job is as this move left it").isEqualTo(first).get()
                .extracting(JobEvent::seq).isEqualTo(1L);
        assertThat(log.lastSeq("job:j9").block(WAIT)).isEqualTo(1);
        assertThat(log.lastSeq("user:t1").block(WAIT)).isEqualTo(1);
        Job other = running.withState(JobState.CANCELLED, "Cancelled.", T.plusSeconds(1));
        assertThat(moves.move(JobState.QUEUED, other, null, "job:j9", List.of(), JobEvent.ended(other, T)).block(WAIT))
                .as("another move from the old state is still refused").isEmpty();
    }
}
