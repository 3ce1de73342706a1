package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.JobMovesContract;
import dev.enrich.events.JobEvent;
import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Json;
import dev.enrich.testing.RedisServer;
import java.nio.file.Path;
import java.time.Instant;
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

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start(dir, false);
        factory = redis.connect();
        ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(factory);
        RedisJobRepository redisJobs = new RedisJobRepository(template, Json.mapper(), 10, 10);
        redisLog = RedisEventLogContractTest.start(factory, 10, Schedulers.immediate());
        jobs = redisJobs;
        log = redisLog;
        moves = new RedisJobMoves(template, redisJobs, redisLog);
    }

    @AfterEach
    void stopRedis() {
        redisLog.stop();
        factory.destroy();
        redis.close();
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
