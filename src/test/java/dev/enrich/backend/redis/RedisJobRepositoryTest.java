package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.JobRepositoryContract;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.testing.Json;
import dev.enrich.testing.Outputs;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis JobRepository keeps the port's contract, against a real redis-server, and its jobs survive a crash. */
class RedisJobRepositoryTest extends JobRepositoryContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected JobRepository repository(int maxJobs, int maxPerTenant) {
        return new RedisJobRepository(REDIS.template(), Json.mapper(), maxJobs, maxPerTenant);
    }

    @Override
    protected JobRepository otherReplica(JobRepository first, int maxJobs, int maxPerTenant) {
        return new RedisJobRepository(REDIS.otherTemplate(), Json.mapper(), maxJobs, maxPerTenant);
    }

    @Test
    void aJobStoredByTheVersionBeforeRunOrderIsReadAndMovedAsStoredByNoRun() {
        JobRepository jobs = repository(10, 10);
        Job running = job("j1", "a", JobState.RUNNING);
        jobs.save(running).block(WAIT);
        // As the version before stored it: no delivery in its JSON, no run order beside it.
        String json = Json.mapper().writeValueAsString(running).replace(",\"delivery\":0", "");
        assertThat(json).doesNotContain("delivery");
        REDIS.template().opsForHash().put(RedisKeys.jobState("j1"), "json", json).block(WAIT);
        REDIS.template().opsForHash().remove(RedisKeys.jobState("j1"), "run").block(WAIT);

        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(running);
        Job taken = running.deliveredAs(2).withProgress(0.5, null, "Resuming...");
        assertThat(jobs.transition(JobState.RUNNING, taken).block(WAIT)).isTrue();
        assertThat(jobs.transition(JobState.RUNNING, running.deliveredAs(1).withProgress(0.6, null, "x")).block(WAIT))
                .as("the first delivery's run, after the second's start").isFalse();
    }

    @Test
    void aCancelOfAJobAReplicaOfTheVersionBeforeWroteLastIsNotRefused() {
        JobRepository jobs = repository(10, 10);
        Job byNewRun = job("j1", "a", JobState.RUNNING).deliveredAs(1);
        jobs.save(byNewRun).block(WAIT);
        // A replica of the version before took the job over and wrote it: its JSON has no delivery; the run order
        // beside it is still the new run's.
        Job byOldRun = byNewRun.deliveredAs(0).withProgress(0.5, null, "Resuming...");
        String json = Json.mapper().writeValueAsString(byOldRun).replace(",\"delivery\":0", "");
        REDIS.template().opsForHash().put(RedisKeys.jobState("j1"), "json", json).block(WAIT);

        Job read = jobs.findById("j1").block(WAIT);
        assertThat(read.delivery()).isZero();
        Job cancelled = read.withState(JobState.CANCELLED, "Cancelled.", Instant.EPOCH.plusSeconds(1));
        assertThat(jobs.transition(JobState.RUNNING, cancelled).block(WAIT)).isTrue();
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(cancelled);
    }

    @Test
    void aSavedJobAndItsCheckpointsSurviveARedisCrashWithAppendOnlyOn() {
        JobRepository jobs = repository(10, 10);
        Job running = job("j1", "a", JobState.RUNNING);
        StageResult summary = StageResult.succeeded(StageName.SUMMARY, Outputs.of(StageName.SUMMARY));
        jobs.save(running).block(WAIT);
        jobs.saveResult("j1", StageName.SUMMARY, summary).block(WAIT);

        REDIS.server().kill();
        REDIS.server().restart();

        // Lettuce reconnects by itself; until it has, a call may time out.
        Awaitility.await("the job read back after the restart").atMost(Duration.ofSeconds(60))
                .ignoreExceptions().untilAsserted(() -> assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(running));
        assertThat(jobs.results("j1").block(WAIT)).isEqualTo(Map.of(StageName.SUMMARY, summary));
        assertThat(ids(jobs.findByState(JobState.RUNNING, 10))).containsExactly("j1");
    }
}
