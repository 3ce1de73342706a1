package dev.enrich.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.session.StorageLimitException;
import dev.enrich.testing.Outputs;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** What every {@link JobRepository} does; each backend runs it against its adapter. */
public abstract class JobRepositoryContract {

    protected static final Duration WAIT = Duration.ofSeconds(10);

    /** Return an empty repository with these caps. */
    protected abstract JobRepository repository(int maxJobs, int maxPerTenant);

    /**
     * Return a second handle on the store behind the last {@link #repository}, as another replica would hold one; the
     * default is that repository itself (a store inside one process has no other handle).
     */
    protected JobRepository otherReplica(JobRepository first, int maxJobs, int maxPerTenant) {
        return first;
    }

    @Test
    void aSavedJobComesBackWholeToItsTenantOnly() {
        JobRepository jobs = repository(10, 10);
        Instant t = Instant.parse("2026-01-02T03:04:05.123456789Z");
        Job job = Job.queued("j1", "a", "s1", "b1", Priority.BATCH, EnumSet.of(StageName.AUDIO, StageName.SUMMARY), t)
                .withState(JobState.RUNNING, "Starting...", t.plusSeconds(1))
                .withStage(StageName.AUDIO, s -> s.running(t.plusSeconds(2), "Listening..."))
                .withProgress(0.25, 12L, "Listening...")
                .withState(JobState.FAILED, "Nope", t.plusSeconds(3))
                .retried(t.plusSeconds(4));
        assertThat(jobs.save(job).block(WAIT)).isEqualTo(job);

        assertThat(jobs.find("a", "j1").block(WAIT)).isEqualTo(job);
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(job);
        assertThat(jobs.find("b", "j1").blockOptional(WAIT)).as("another tenant's id").isEmpty();
        assertThat(jobs.findById("nope").blockOptional(WAIT)).isEmpty();
    }

    @Test
    void savingAnExistingJobReplacesIt() {
        JobRepository jobs = repository(1, 1);
        Job queued = job("j1", "a", JobState.QUEUED);
        jobs.save(queued).block(WAIT);
        Job running = queued.withState(JobState.RUNNING, "Starting...", Instant.EPOCH.plusSeconds(1));
        jobs.save(running).block(WAIT); // an update always fits

        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(running);
        assertThat(jobs.findByState(JobState.QUEUED, 10).collectList().block(WAIT)).isEmpty();
        assertThat(jobs.findByState(JobState.RUNNING, 10).collectList().block(WAIT)).containsExactly(running);
    }

    @Test
    void listingsAreNewestFirstAndCappedByTheLimit() {
        JobRepository jobs = repository(20, 20);
        jobs.save(job("a1", "a", "s1", JobState.COMPLETED, 1)).block(WAIT);
        jobs.save(job("a3", "a", "s2", JobState.FAILED, 3)).block(WAIT);
        jobs.save(job("a2", "a", "s1", JobState.FAILED, 2)).block(WAIT);
        jobs.save(job("b1", "b", "s1", JobState.FAILED, 4)).block(WAIT);

        assertThat(ids(jobs.findByTenant("a", 10))).containsExactly("a3", "a2", "a1");
        assertThat(ids(jobs.findByTenant("a", 2))).containsExactly("a3", "a2");
        assertThat(ids(jobs.findByTenant("c", 10))).isEmpty();
        assertThat(ids(jobs.findByState(JobState.FAILED, 10))).as("across tenants").containsExactly("b1", "a3", "a2");
        assertThat(ids(jobs.findByState(JobState.FAILED, 1))).containsExactly("b1");
        assertThat(ids(jobs.findBySession("a", "s1"))).as("the tenant's jobs of the session").containsExactly("a2",
                "a1");
    }

    @Test
    void stageResultsAreKeptPerJobAndForgottenWithIt() {
        JobRepository jobs = repository(10, 10);
        jobs.save(job("j1", "a", JobState.RUNNING)).block(WAIT);
        StageResult summary = StageResult.succeeded(StageName.SUMMARY, Outputs.of(StageName.SUMMARY));
        StageResult audio = StageResult.degraded(StageName.AUDIO, Outputs.of(StageName.AUDIO), "Rough.");
        StageResult video = StageResult.skipped(StageName.VIDEO, "No video.");
        jobs.saveResult("j1", StageName.SUMMARY, summary).block(WAIT);
        jobs.saveResult("j1", StageName.AUDIO, audio).block(WAIT);
        jobs.saveResult("j1", StageName.VIDEO, video).block(WAIT);
        jobs.saveResult("unknown", StageName.SUMMARY, summary).block(WAIT); // a forgotten job keeps no results

        assertThat(jobs.results("j1").block(WAIT)).isEqualTo(Map.of(StageName.SUMMARY, summary,
                StageName.AUDIO, audio, StageName.VIDEO, video));
        assertThat(jobs.results("unknown").block(WAIT)).isEmpty();
        jobs.delete("j1").block(WAIT);
        assertThat(jobs.findById("j1").blockOptional(WAIT)).isEmpty();
        assertThat(jobs.results("j1").block(WAIT)).isEmpty();
        assertThat(ids(jobs.findByTenant("a", 10))).isEmpty();
        assertThat(ids(jobs.findByState(JobState.RUNNING, 10))).isEmpty();
        assertThat(ids(jobs.findBySession("a", "s"))).isEmpty();
    }

    @Test
    void oldestFinishedJobsOfTheTenantMakeRoomAndUnfinishedOnesNever() {
        JobRepository jobs = repository(10, 2);
        jobs.save(job("a1", "a", JobState.COMPLETED)).block(WAIT);
        StageResult summary = StageResult.succeeded(StageName.SUMMARY, Outputs.of(StageName.SUMMARY));
        jobs.saveResult("a1", StageName.SUMMARY, summary).block(WAIT);
        jobs.save(job("a2", "a", JobState.RUNNING)).block(WAIT);
        jobs.save(job("b1", "b", JobState.COMPLETED)).block(WAIT);

        jobs.save(job("a3", "a", JobState.QUEUED)).block(WAIT);

        assertThat(jobs.findById("a1").blockOptional(WAIT)).as("oldest finished job of a").isEmpty();
        assertThat(jobs.results("a1").block(WAIT)).isEmpty();
        assertThat(jobs.findById("b1").blockOptional(WAIT)).as("another tenant's job").isPresent();
        assertThatThrownBy(() -> jobs.save(job("a4", "a", JobState.QUEUED)).block(WAIT))
                .isInstanceOfSatisfying(StorageLimitException.class,
                        e -> assertThat(e.scope()).isEqualTo(StorageLimitException.Scope.TENANT));
        jobs.save(job("a2", "a", JobState.COMPLETED)).block(WAIT); // an update always fits
        jobs.save(job("a4", "a", JobState.QUEUED)).block(WAIT);
        assertThat(jobs.findByTenant("a", 10).map(Job::id).collectList().block(WAIT))
                .containsExactlyInAnyOrder("a3", "a4");
    }

    @Test
    void aServiceFullOfUnfinishedJobsRefusesNewOnes() {
        JobRepository jobs = repository(2, 5);
        jobs.save(job("a1", "a", JobState.RUNNING)).block(WAIT);
        jobs.save(job("b1", "b", JobState.COMPLETED)).block(WAIT);
        jobs.save(job("c1", "c", JobState.QUEUED)).block(WAIT); // b1 makes room

        assertThat(jobs.findById("b1").blockOptional(WAIT)).isEmpty();
        assertThatThrownBy(() -> jobs.save(job("d1", "d", JobState.QUEUED)).block(WAIT))
                .isInstanceOfSatisfying(StorageLimitException.class,
                        e -> assertThat(e.scope()).isEqualTo(StorageLimitException.Scope.SERVICE));
        jobs.delete("a1").block(WAIT);
        jobs.save(job("d1", "d", JobState.QUEUED)).block(WAIT);
    }

    @Test
    void concurrentNewJobsOfOneTenantNeverPassItsCap() {
        JobRepository jobs = repository(100, 5);
        JobRepository other = otherReplica(jobs, 100, 5);
        List<Boolean> saved = Flux.range(0, 20)
                .flatMap(i -> (i % 2 == 0 ? jobs : other).save(job("j" + i, "a", JobState.QUEUED)).map(j -> true)
                        .onErrorResume(StorageLimitException.class, e -> Mono.just(false))
                        .subscribeOn(Schedulers.parallel()))
                .collectList().block(WAIT);

        assertThat(saved).filteredOn(b -> b).hasSize(5);
        assertThat(ids(jobs.findByTenant("a", 100))).hasSize(5);
    }

    @Test
    void ofTwoConcurrentTransitionsFromOneStateExactlyOneWins() {
        JobRepository jobs = repository(100, 100);
        JobRepository other = otherReplica(jobs, 100, 100);
        for (int round = 0; round < 20; round++) {
            Job queued = job("j" + round, "a", JobState.QUEUED);
            jobs.save(queued).block(WAIT);
            Job byA = queued.withState(JobState.RUNNING, "replica A", Instant.EPOCH.plusSeconds(1));
            Job byB = queued.withState(JobState.RUNNING, "replica B", Instant.EPOCH.plusSeconds(2));

            List<Boolean> won = Flux.merge(
                            jobs.transition(JobState.QUEUED, byA).subscribeOn(Schedulers.parallel()),
                            other.transition(JobState.QUEUED, byB).subscribeOn(Schedulers.parallel()))
                    .collectList().block(WAIT);

            assertThat(won).containsExactlyInAnyOrder(true, false);
            assertThat(jobs.findById(queued.id()).block(WAIT)).isIn(byA, byB);
        }
    }

    @Test
    void aTransitionFromAStateTheJobLeftOrOfAnUnknownJobSavesNothing() {
        JobRepository jobs = repository(10, 10);
        Job running = job("j1", "a", JobState.RUNNING);
        jobs.save(running).block(WAIT);
        Job done = running.withState(JobState.COMPLETED, "Done.", Instant.EPOCH.plusSeconds(1));

        assertThat(jobs.transition(JobState.QUEUED, done).block(WAIT)).isFalse();
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(running);
        assertThat(jobs.transition(JobState.QUEUED, job("j2", "a", JobState.RUNNING)).block(WAIT)).isFalse();
        assertThat(jobs.findById("j2").blockOptional(WAIT)).isEmpty();

        assertThat(jobs.transition(JobState.RUNNING, done).block(WAIT)).isTrue();
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(done);
        assertThat(ids(jobs.findByState(JobState.COMPLETED, 10))).containsExactly("j1");
        assertThat(ids(jobs.findByState(JobState.RUNNING, 10))).isEmpty();
    }

    @Test
    void aMoveFromRunningByAnEarlierRunThanTheStoredOneSavesNothing() {
        JobRepository jobs = repository(10, 10);
        Job queued = job("j1", "a", JobState.QUEUED);
        jobs.save(queued).block(WAIT);
        Job first = queued.deliveredAs(1).withState(JobState.RUNNING, "Starting...", Instant.EPOCH.plusSeconds(1));
        assertThat(jobs.transition(JobState.QUEUED, first).block(WAIT)).isTrue();
        // Another replica took the entry over (delivery 2) while the first run stalled: its start moves the job.
        Job second = first.deliveredAs(2).withProgress(0.1, null, "Resuming...");
        assertThat(jobs.transition(JobState.RUNNING, second).block(WAIT)).isTrue();

        // The stalled run goes on: neither its progress nor its end (nor a crash's FAILED) is stored any more.
        Job stalled = first.withProgress(0.5, null, "Writing summary...");
        assertThat(jobs.transition(JobState.RUNNING, stalled).block(WAIT)).isFalse();
        Job crashed = first.withState(JobState.FAILED, "Something went wrong.", Instant.EPOCH.plusSeconds(2));
        assertThat(jobs.transition(JobState.RUNNING, crashed).block(WAIT)).isFalse();
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(second);

        // The run that holds it moves on; so does whoever moves the job as read (a cancel).
        Job done = second.withState(JobState.COMPLETED, "Done.", Instant.EPOCH.plusSeconds(3));
        assertThat(jobs.transition(JobState.RUNNING, second.withProgress(0.6, null, "Writing summary..."))
                .block(WAIT)).isTrue();
        assertThat(jobs.transition(JobState.RUNNING, done).block(WAIT)).isTrue();

        // A later attempt outranks every delivery of an earlier one; moves from other states are not ordered (a
        // retry handed back to its queue may be undone).
        Job retried = done.retried(Instant.EPOCH.plusSeconds(4));
        assertThat(jobs.transition(JobState.COMPLETED, retried).block(WAIT)).isTrue();
        Job next = retried.deliveredAs(1).withState(JobState.RUNNING, "Starting...", Instant.EPOCH.plusSeconds(5));
        assertThat(jobs.transition(JobState.QUEUED, next).block(WAIT)).isTrue();
        assertThat(jobs.transition(JobState.RUNNING, second.withProgress(0.7, null, "x")).block(WAIT)).isFalse();
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(next);

        // A move by no run (delivery 0: a cancel, a dead letter) is not ordered: it ends whichever run holds the job.
        Job cancelled = second.deliveredAs(0).withState(JobState.CANCELLED, "Cancelled.", Instant.EPOCH.plusSeconds(6));
        assertThat(jobs.transition(JobState.RUNNING, cancelled).block(WAIT)).isTrue();
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(cancelled);
    }

    @Test
    void aCheckpointIsSavedWithItsMoveAndWithoutItOnlyWhereItsStageHasNone() {
        JobRepository jobs = repository(10, 10);
        Job running = job("j1", "a", JobState.RUNNING);
        jobs.save(running).block(WAIT);
        StageResult audio = StageResult.succeeded(StageName.AUDIO, Outputs.of(StageName.AUDIO));
        StageResult summary = StageResult.succeeded(StageName.SUMMARY, Outputs.of(StageName.SUMMARY));
        Job done = running.withState(JobState.COMPLETED, "Done.", Instant.EPOCH.plusSeconds(1));

        assertThat(jobs.transition(JobState.QUEUED, done, StageName.AUDIO, audio).block(WAIT)).isFalse();
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(running);
        assertThat(jobs.results("j1").block(WAIT)).isEqualTo(Map.of(StageName.AUDIO, audio));

        assertThat(jobs.transition(JobState.RUNNING, done, StageName.SUMMARY, summary).block(WAIT)).isTrue();
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(done);
        assertThat(jobs.results("j1").block(WAIT)).isEqualTo(Map.of(StageName.AUDIO, audio,
                StageName.SUMMARY, summary));
        assertThat(jobs.transition(JobState.QUEUED, job("j2", "a", JobState.RUNNING), StageName.AUDIO, audio)
                .block(WAIT)).isFalse();
        jobs.keepResult("j2", StageName.AUDIO, audio).block(WAIT);
        assertThat(jobs.results("j2").block(WAIT)).as("an unknown job keeps no results").isEmpty();

        // Without its move, a result never replaces one already there (the run that holds the job may have stored
        // it); with its move, it does (a stage run again).
        StageResult failed = StageResult.failed(StageName.SUMMARY, "Couldn't write the summary.");
        assertThat(jobs.transition(JobState.RUNNING, done, StageName.SUMMARY, failed).block(WAIT)).isFalse();
        jobs.keepResult("j1", StageName.SUMMARY, failed).block(WAIT);
        assertThat(jobs.results("j1").block(WAIT)).containsEntry(StageName.SUMMARY, summary);
        assertThat(jobs.transition(JobState.COMPLETED, done, StageName.SUMMARY, failed).block(WAIT)).isTrue();
        assertThat(jobs.results("j1").block(WAIT)).containsEntry(StageName.SUMMARY, failed);
        // A success replaces what did not succeed, with or without the move (a later retry reuses it).
        jobs.keepResult("j1", StageName.SUMMARY, summary).block(WAIT);
        assertThat(jobs.results("j1").block(WAIT)).containsEntry(StageName.SUMMARY, summary);
    }

    protected static List<String> ids(Flux<Job> jobs) {
        return jobs.map(Job::id).collectList().block(WAIT);
    }

    protected static Job job(String id, String tenant, JobState state) {
        return job(id, tenant, "s", state, 0);
    }

    protected static Job job(String id, String tenant, String session, JobState state, int createdSecond) {
        Instant created = Instant.EPOCH.plusSeconds(createdSecond);
        Job queued = Job.queued(id, tenant, session, null, Priority.INTERACTIVE, EnumSet.of(StageName.SUMMARY),
                created);
        return state == JobState.QUEUED ? queued : queued.withState(state, "", created);
    }
}
