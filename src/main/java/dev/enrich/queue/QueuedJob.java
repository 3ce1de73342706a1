package dev.enrich.queue;

import dev.enrich.job.Priority;
import java.time.Instant;

/**
 * Name one job waiting for a worker slot.
 *
 * @param jobId the job
 * @param tenant its owner
 * @param priority interactive or batch
 * @param enqueuedAt when it was queued
 * @param attempt the job's attempt this entry was queued for; 0 when unknown (an entry of the version before)
 * @param delivery 1 when the queue hands the entry out the first time, +1 each time a replica takes it over from
 *     another (a durable queue's entry whose run stalled or died)
 */
public record QueuedJob(String jobId, String tenant, Priority priority, Instant enqueuedAt, int attempt,
        int delivery) {

    /** Name a job handed out for the first time, for no attempt in particular. */
    public QueuedJob(String jobId, String tenant, Priority priority, Instant enqueuedAt) {
        this(jobId, tenant, priority, enqueuedAt, 0, 1);
    }

    /** Name a job queued for its {@code attempt}, handed out for the first time. */
    public QueuedJob(String jobId, String tenant, Priority priority, Instant enqueuedAt, int attempt) {
        this(jobId, tenant, priority, enqueuedAt, attempt, 1);
    }
}
