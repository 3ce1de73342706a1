package dev.enrich.backend.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.session.Session;
import dev.enrich.session.StorageLimitException;
import dev.enrich.testing.Outputs;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory repositories hold a bounded number of sessions and jobs, per tenant and in all. */
class InMemoryRepositoryCapsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void sessionsPastATenantsShareOrTheServicesAreRefused() {
        InMemorySessionRepository sessions = new InMemorySessionRepository(3, 2);
        sessions.save(session("a1", "a")).block(WAIT);
        sessions.save(session("a2", "a")).block(WAIT);
        sessions.save(session("a1", "a")).block(WAIT); // replacing one takes no room

        assertThatThrownBy(() -> sessions.save(session("a3", "a")).block(WAIT))
                .isInstanceOfSatisfying(StorageLimitException.class,
                        e -> assertThat(e.scope()).isEqualTo(StorageLimitException.Scope.TENANT));
        sessions.save(session("b1", "b")).block(WAIT);
        assertThatThrownBy(() -> sessions.save(session("b2", "b")).block(WAIT))
                .isInstanceOfSatisfying(StorageLimitException.class,
                        e -> assertThat(e.scope()).isEqualTo(StorageLimitException.Scope.SERVICE));
        assertThatThrownBy(() -> sessions.checkRoom("a").block(WAIT)).isInstanceOf(StorageLimitException.class);
        assertThat(sessions.find("a", "a3").blockOptional(WAIT)).isEmpty();
        assertThat(sessions.find("a", "a1").blockOptional(WAIT)).isPresent();
    }

    @Test
    void oldestFinishedJobsOfTheTenantMakeRoomAndUnfinishedOnesNever() {
        InMemoryJobRepository jobs = new InMemoryJobRepository(10, 2);
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
        InMemoryJobRepository jobs = new InMemoryJobRepository(2, 5);
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

    private static Session session(String id, String tenant) {
        return new Session(id, tenant, "T", null, null, List.of(), Instant.EPOCH);
    }

    private static Job job(String id, String tenant, JobState state) {
        Job queued = Job.queued(id, tenant, "s", null, Priority.INTERACTIVE, EnumSet.of(StageName.SUMMARY),
                Instant.EPOCH);
        return state == JobState.QUEUED ? queued : queued.withState(state, "", Instant.EPOCH);
    }
}
