package dev.enrich.client.internal;

import dev.enrich.client.JobStatus;
import java.util.List;

/** Hold the answers of the API that have no public type of their own. */
final class Wire {

    private Wire() {}

    /** {@code POST /api/v1/sessions/{id}/enrichments}: the new job. */
    record Accepted(String jobId, JobStatus job) {}

    /** {@code POST /api/v1/batches}: the new batch and its jobs. */
    record BatchAccepted(String batchId, List<String> jobIds) {}
}
