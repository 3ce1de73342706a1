package dev.enrich.queue;

import dev.enrich.job.Priority;
import java.time.Instant;

/** Name one job waiting for a worker slot. */
public record QueuedJob(String jobId, String tenant, Priority priority, Instant enqueuedAt) {}
