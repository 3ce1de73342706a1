package dev.enrich.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Show a batch: counts by state, overall progress and ETA ({@code GET /api/v1/batches/{id}}).
 *
 * @param id batch id
 * @param state RUNNING until every job ended; then COMPLETED, PARTIAL, FAILED or CANCELLED
 * @param total number of jobs
 * @param done jobs that ended
 * @param counts jobs per state
 * @param progress overall progress, 0..1
 * @param etaSeconds remaining seconds; null when unknown
 * @param etaText the ETA in words
 * @param message short friendly text, e.g. "3 of 10 sessions done"
 * @param jobIds the batch's jobs
 * @param createdAt when accepted
 */
public record BatchStatus(
        String id,
        JobState state,
        int total,
        int done,
        Map<JobState, Integer> counts,
        double progress,
        @Nullable Long etaSeconds,
        @Nullable String etaText,
        String message,
        List<String> jobIds,
        Instant createdAt) {

    public BatchStatus {
        counts = counts == null ? Map.of() : Map.copyOf(counts);
        jobIds = jobIds == null ? List.of() : List.copyOf(jobIds);
    }
}
