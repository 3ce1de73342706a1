package dev.enrich.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;

/**
 * Group jobs submitted together. Immutable; its progress is derived from its jobs.
 *
 * @param id batch id
 * @param tenant owner
 * @param jobIds jobs, in submission order
 * @param createdAt when it was accepted
 */
public record Batch(String id, @JsonIgnore String tenant, List<String> jobIds, Instant createdAt) {

    public Batch {
        jobIds = List.copyOf(jobIds);
    }
}
