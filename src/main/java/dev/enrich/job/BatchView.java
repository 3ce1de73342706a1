package dev.enrich.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Show a batch: counts by state, overall progress and ETA.
 *
 * @param id batch id
 * @param state RUNNING until every job ended; then COMPLETED, PARTIAL, FAILED or CANCELLED
 * @param total number of jobs
 * @param done jobs that ended
 * @param counts jobs per state
 * @param progress overall progress 0..1 (mean of its jobs)
 * @param etaSeconds remaining seconds, null when unknown
 * @param etaText the ETA as friendly text
 * @param message short friendly text, e.g. "3 of 10 sessions done"
 * @param jobIds the jobs
 * @param createdAt when accepted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchView(
        String id,
        JobState state,
        int total,
        int done,
        Map<JobState, Integer> counts,
        double progress,
        @Nullable Long etaSeconds,
        String etaText,
        String message,
        List<String> jobIds,
        Instant createdAt) {}
