package dev.enrich.pool;

import dev.enrich.job.JobState;
import dev.enrich.queue.QueuedJob;
import reactor.core.publisher.Mono;

/** Run one job in a worker slot. */
@FunctionalInterface
public interface JobTask {

    /**
     * Run a job until it ends and return its final state.
     *
     * @param stop emits CANCELLED or INTERRUPTED when the job must stop early; the task then stops its work, records
     *     that state, and completes promptly. It emits RUNNING when the job runs elsewhere now (its queue entry was
     *     taken over by another replica): the task stops its work and completes promptly, and stores no move after
     *     it sees the stop (a move already on its way still lands; the run that took the job over fences it out)
     */
    Mono<JobState> run(QueuedJob job, Mono<JobState> stop);
}
