package dev.enrich.client;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Show a job as the service sees it: state, progress, ETA and stages ({@code GET /api/v1/jobs/{id}}).
 *
 * @param id job id
 * @param sessionId the session it enriches
 * @param batchId its batch, if any
 * @param priority interactive or batch
 * @param state where the job stands
 * @param progress overall progress, 0..1
 * @param etaSeconds remaining seconds; null when unknown
 * @param etaText the ETA in words, e.g. "~3 minutes remaining"
 * @param message short friendly text
 * @param queuePosition 1-based position while queued
 * @param expectedStartSeconds seconds until a queued job is expected to start, when known
 * @param stages per-stage status in pipeline order
 * @param createdAt when accepted
 * @param startedAt when a worker took it
 * @param finishedAt when it ended
 * @param attempt 1 for the first run, 2 after one retry, ...
 * @param history how earlier attempts ended
 */
public record JobStatus(
        String id,
        String sessionId,
        @Nullable String batchId,
        Priority priority,
        JobState state,
        double progress,
        @Nullable Long etaSeconds,
        @Nullable String etaText,
        String message,
        @Nullable Integer queuePosition,
        @Nullable Long expectedStartSeconds,
        List<StageStatus> stages,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        int attempt,
        List<Attempt> history) {

    public JobStatus {
        stages = stages == null ? List.of() : List.copyOf(stages);
        history = history == null ? List.of() : List.copyOf(history);
    }

    /**
     * Record how one earlier attempt of a job ended.
     *
     * @param attempt its number
     * @param state how it ended
     * @param message what it said
     * @param finishedAt when
     */
    public record Attempt(int attempt, JobState state, String message, @Nullable Instant finishedAt) {}
}
