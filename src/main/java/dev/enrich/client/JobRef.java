package dev.enrich.client;

/**
 * Refer to a job the service accepted ({@code POST /api/v1/sessions/{id}/enrichments}).
 *
 * @param id the job id, for {@link EnrichClient#events}, {@link EnrichClient#awaitResult} and the others
 * @param job the job as it stood when accepted (usually queued)
 */
public record JobRef(String id, JobStatus job) {}
