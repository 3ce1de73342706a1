package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.enrich.backend.JobMovesContract;
import dev.enrich.events.JobEvent;
import dev.enrich.events.JobMoves;
import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.queue.QueuedJob;
import dev.enrich.session.StorageLimitException;
import dev.enrich.testing.Json;
import dev.enrich.testing.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
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
        return unstarted(consumer, 1000);
    }

    private RedisJobQueue unstarted(String consumer, int capacity) {
        RedisJobQueue queue = new RedisJobQueue(factory, capacity, 4, new RedisQueueProperties("enrich:queue", "workers",
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
    void consecutiveMovesTriedAgainAfterALostReplyAnswerAsTheyDidAndAppendNothingAgain() {
        jobs.save(running()).block(WAIT);
        List<JobMoves.Step> steps = threeSteps(running(), AUDIO_DONE, SUMMARY_DONE);
        List<JobEvent> first = moves.moveAll(JobState.RUNNING, steps, "job:j1", List.of("user:t1")).block(WAIT);

        List<JobEvent> again = moves.moveAll(JobState.RUNNING, steps, "job:j1", List.of("user:t1")).block(WAIT);

        assertThat(again).isEqualTo(first).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L);
        assertThat(log.lastSeq("job:j1").block(WAIT)).isEqualTo(3);
        assertThat(log.lastSeq("user:t1").block(WAIT)).isEqualTo(3);
    }

    @Test
    void consecutiveMovesOfARunWhoseEntryWasTakenOverMoveNothingAndKeepEveryCheckpointWhereNoneSucceeded() {
        Job first = running().deliveredAs(1);
        Job second = first.deliveredAs(2).withProgress(0, null, "Resuming...");
        jobs.save(second).block(WAIT);
        StageResult summary = StageResult.failed(StageName.SUMMARY, "Couldn't write the summary.");
        jobs.keepResult("j1", StageName.SUMMARY, SUMMARY_DONE).block(WAIT);

        assertThat(moves.moveAll(JobState.RUNNING, threeSteps(first, AUDIO_DONE, summary), "job:j1",
                List.of("user:t1"))
                .block(WAIT)).isEmpty();
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(second);
        assertThat(log.lastSeq("job:j1").block(WAIT)).isZero();
        assertThat(jobs.results("j1").block(WAIT)).as("kept where none succeeded; the second run's success stays")
                .isEqualTo(Map.of(StageName.AUDIO, AUDIO_DONE, StageName.SUMMARY, SUMMARY_DONE));
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
        assertThat(moves.moveToRetry(JobState.QUEUED, other, "job:j8", List.of(), event, wait, T, 0).block(WAIT))
                .as("not in the state: nothing moved").isEmpty();
        assertThat(redisTemplate.opsForZSet().size("enrich:queue:delayed").block(WAIT)).as("nothing held").isZero();

        assertThat(moves.moveToRetry(JobState.RUNNING, retried, "job:j8", List.of("user:t1"), event, wait, T, 0)
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
        assertThat(moves.moveToRetry(JobState.RUNNING, retried, "job:j8", List.of("user:t1"), event, wait, T, 0)
                .block(WAIT)).isPresent();
        assertThat(redisTemplate.opsForZSet().size("enrich:queue:delayed").block(WAIT)).isZero();
        assertThat(log.lastSeq("job:j8").block(WAIT)).as("appended once").isEqualTo(1);
    }

    @Test
    void aRetryStoredByARunWhoseEntryWasTakenOverIsRefused() {
        Job queued = Job.queued("j10", "t1", "s1", null, Priority.BATCH, EnumSet.of(StageName.AUDIO), T);
        jobs.save(queued).block(WAIT);
        // Delivery 1 started the job, then stalled; delivery 2 took the entry over and stored its own start.
        Job stalled = queued.deliveredAs(1).withState(JobState.RUNNING, "Starting...", T);
        assertThat(jobs.transition(JobState.QUEUED, stalled).block(WAIT)).isTrue();
        Job takenOver = queued.deliveredAs(2).withState(JobState.RUNNING, "Starting...", T);
        assertThat(jobs.transition(JobState.RUNNING, takenOver).block(WAIT)).isTrue();
        // The stalled run's stage failed for a transient cause: it stores the job QUEUED for its next attempt.
        Job retried = stalled.withState(JobState.FAILED, "Failed.", T).retried(T);
        assertThat(retried.delivery()).as("the retried job names no run").isZero();
        JobEvent event = JobEvent.progress(retried, null, T);

        assertThat(moves.moveToRetry(JobState.RUNNING, retried, "job:j10", List.of(), event, Duration.ofHours(1), T,
                stalled.runOrder()).block(WAIT)).as("fenced out by delivery 2").isEmpty();
        assertThat(jobs.findById("j10").block(WAIT)).isEqualTo(takenOver);
        assertThat(new ReactiveStringRedisTemplate(factory).opsForZSet().size("enrich:queue:delayed").block(WAIT))
                .as("no wait held").isZero();

        assertThat(moves.moveToRetry(JobState.RUNNING, retried, "job:j10", List.of(), event, Duration.ofHours(1), T,
                takenOver.runOrder()).block(WAIT)).as("the run that holds the job stores it").isPresent();
        assertThat(jobs.findById("j10").block(WAIT)).isEqualTo(retried);
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

    private static Job newJob(String id, String tenant) {
        return Job.queued(id, tenant, "s-" + id, null, Priority.INTERACTIVE, EnumSet.of(StageName.AUDIO), T);
    }

    private List<String> queuedIds() {
        return new ReactiveStringRedisTemplate(factory).<String, String>opsForHash().keys("enrich:queue:jobs")
                .collectList().block(WAIT);
    }

    @Test
    void admittedJobsAreStoredAndQueuedInOneStep() {
        Job one = newJob("a1", "t1");
        Job two = newJob("a2", "t2");

        assertThat(moves.admitsJobs()).isTrue();
        assertThat(moves.admit(List.of(one, two), null, T).block(WAIT)).isEqualTo(JobMoves.Admission.ADMITTED);

        assertThat(jobs.findById("a1").block(WAIT)).isEqualTo(one);
        assertThat(jobs.findById("a2").block(WAIT)).isEqualTo(two);
        assertThat(queuedIds()).containsExactlyInAnyOrder("a1", "a2");
        RedisJobQueue mover = queues.get(0);
        assertThat(mover.size()).as("the mover's view took the script's counts").isEqualTo(2);
        assertThat(mover.size("t1")).isEqualTo(1);
        assertThat(mover.position("a1")).as("a position at once, for the submission's answer").isPresent();

        RedisJobQueue worker = replica("w");
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            QueuedJob next = await().atMost(Duration.ofMinutes(1)).until(worker::poll, Optional::isPresent)
                    .orElseThrow();
            assertThat(next.enqueuedAt()).isEqualTo(T);
            assertThat(next.attempt()).isEqualTo(one.attempt());
            taken.add(next.jobId());
        }
        assertThat(taken).containsExactlyInAnyOrder("a1", "a2");
    }

    @Test
    void aQueueThatRefusesStoresNothing() {
        RedisJobQueue small = unstarted("small", 2);
        JobMoves tight = new RedisJobMoves(new ReactiveStringRedisTemplate(factory),
                new RedisJobRepository(new ReactiveStringRedisTemplate(factory), Json.mapper(), 10, 10), redisLog,
                small);
        assertThat(tight.admit(List.of(newJob("b1", "t1")), null, T).block(WAIT))
                .isEqualTo(JobMoves.Admission.ADMITTED);

        assertThat(tight.admit(List.of(newJob("b2", "t1"), newJob("b3", "t1")), null, T).block(WAIT))
                .as("room for one more, not two").isEqualTo(JobMoves.Admission.QUEUE_REFUSED);
        assertThat(tight.admit(List.of(newJob("b4", "t1"), newJob("b1", "t1")), null, T).block(WAIT))
                .as("b1 is queued already").isEqualTo(JobMoves.Admission.QUEUE_REFUSED);

        assertThat(queuedIds()).containsExactly("b1");
        for (String id : List.of("b2", "b3", "b4")) {
            assertThat(jobs.findById(id).block(WAIT)).as(id).isNull();
        }
        assertThat(jobs.findByTenant("t1", 10).collectList().block(WAIT)).extracting(Job::id).containsExactly("b1");
        assertThat(small.size()).isEqualTo(1);
    }

    @Test
    void aNewJobTheCapsRefuseLeavesNoneOfItsBatchStoredOrQueued() {
        for (int i = 0; i < 9; i++) {
            jobs.save(newJob("old" + i, "t1")).block(WAIT); // unfinished: never made room for
        }

        assertThatThrownBy(() -> moves.admit(List.of(newJob("c1", "t1"), newJob("c2", "t1")), null, T).block(WAIT))
                .isInstanceOf(StorageLimitException.class);

        assertThat(jobs.findById("c1").block(WAIT)).as("stored first, forgotten with the refusal").isNull();
        assertThat(jobs.findById("c2").block(WAIT)).isNull();
        assertThat(queuedIds()).isEmpty();
        assertThat(moves.admit(List.of(newJob("c3", "t1")), null, T).block(WAIT))
                .as("the room left is still there").isEqualTo(JobMoves.Admission.ADMITTED);
    }

    @Test
    void aJobRunAgainIsMovedAndQueuedInOneStepOnlyFromTheStateItWasReadIn() {
        Job failed = newJob("d1", "t1").withState(JobState.FAILED, "Failed.", T);
        jobs.save(failed).block(WAIT);
        Job again = failed.retried(T.plusSeconds(1));

        assertThat(moves.admit(List.of(again), JobState.CANCELLED, T).block(WAIT))
                .as("not in that state").isEqualTo(JobMoves.Admission.STALE);
        assertThat(jobs.findById("d1").block(WAIT)).isEqualTo(failed);
        assertThat(queuedIds()).isEmpty();

        assertThat(moves.admit(List.of(again), JobState.FAILED, T).block(WAIT))
                .isEqualTo(JobMoves.Admission.ADMITTED);
        assertThat(jobs.findById("d1").block(WAIT)).isEqualTo(again);
        assertThat(queuedIds()).containsExactly("d1");
        RedisJobQueue worker = replica("w");
        QueuedJob next = await().atMost(Duration.ofMinutes(1)).until(worker::poll, Optional::isPresent).orElseThrow();
        assertThat(next.attempt()).isEqualTo(again.attempt()).isGreaterThan(failed.attempt());

        assertThatThrownBy(() -> moves.admit(List.of(again, newJob("d2", "t1")), JobState.FAILED, T))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
