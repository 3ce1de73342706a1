package dev.enrich.job;

import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Keep jobs and their stage results (port). Lookups are scoped by tenant. */
public interface JobRepository {

    /** Save (insert or replace) a job. */
    Mono<Job> save(Job job);

    /**
     * Save {@code next} only while the stored job with its id is still in state {@code from}, atomically: of callers
     * moving one job from the same state (two replicas taking one queued job), exactly one succeeds. Return false, and
     * save nothing, when the job is unknown or already in another state. Caps do not apply (the job exists).
     *
     * <p>A run's move from RUNNING ({@code next} has a {@link Job#delivery()}) is refused too when the stored job
     * comes from a later run (see {@link Job#runOrder()}): a run whose queue entry another replica took over (it
     * stalled past its claim) stores nothing more once the new run started, whatever it tries (progress, its end, a
     * crash's FAILED). A move by no run (delivery 0: a cancel, a dead letter) is not ordered.
     */
    Mono<Boolean> transition(JobState from, Job next);

    /**
     * {@link #transition} the job with a stage's result (a checkpoint): saved with the move, or, when the job does not
     * move, kept as {@link #keepResult} says (never over a success: the run that holds the job now may have stored
     * it). A shared store does it in one step; by default it is one call after the other.
     */
    default Mono<Boolean> transition(JobState from, Job next, StageName stage, StageResult checkpoint) {
        return transition(from, next).flatMap(moved -> (moved ? saveResult(next.id(), stage, checkpoint)
                : keepResult(next.id(), stage, checkpoint)).thenReturn(moved));
    }

    /** Forget a job and its results (a job refused at admission). */
    Mono<Void> delete(String id);

    /** Find a job of a tenant; empty when unknown or owned by another tenant. */
    Mono<Job> find(String tenant, String id);

    /** Find a job by id alone, for the engine. */
    Mono<Job> findById(String id);

    /** List a tenant's jobs, newest first, at most {@code limit}. */
    Flux<Job> findByTenant(String tenant, int limit);

    /** List the jobs in one state across all tenants, newest first, at most {@code limit} (for operators). */
    Flux<Job> findByState(JobState state, int limit);

    /** List the jobs of a session, newest first. */
    Flux<Job> findBySession(String tenant, String sessionId);

    /** Save one stage's result (a checkpoint), while the job exists. */
    Mono<Void> saveResult(String jobId, StageName stage, StageResult result);

    /**
     * Save one stage's result of a run that no longer holds the job (still existing), unless the stage's result there
     * succeeded: what it finished is kept for a later retry, and never replaces a success (perhaps the run's that
     * holds the job now).
     */
    Mono<Void> keepResult(String jobId, StageName stage, StageResult result);

    /** Return a job's stage results so far. */
    Mono<Map<StageName, StageResult>> results(String jobId);
}
