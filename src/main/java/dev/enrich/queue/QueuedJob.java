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
 * @param delivery 1 when the queue hands the entry out the first time, +1 each time a replica takes it over from
 *     another (a durable queue's entry whose run stalled or died)
 */
public record QueuedJob(String jobId, String tenant, Priority priority, Instant enqueuedAt, int delivery) {

    /** Name a job handed out for the first time. */
    public QueuedJob(String jobId, String tenant, Priority priority, Instant enqueuedAt) {
        this(jobId, tenant, priority, enqueuedAt, 1);
    }
}
