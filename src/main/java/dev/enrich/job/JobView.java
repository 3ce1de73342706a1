package dev.enrich.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Show a job to its owner: state, progress, ETA and stages. What the API and snapshots return; no internals.
 *
 * @param id job id
 * @param sessionId the session enriched
 * @param batchId its batch, if any
 * @param priority interactive or batch
 * @param state where the job stands
 * @param progress overall progress 0..1
 * @param etaSeconds remaining seconds; null when unknown
 * @param etaText the ETA as friendly text, e.g. "~3 minutes remaining"
 * @param message short friendly text
 * @param queuePosition 1-based position while queued
 * @param expectedStartSeconds seconds until a queued job is expected to start, when known
 * @param stages per-stage status in pipeline order
 * @param createdAt when accepted
 * @param startedAt when a worker took it
 * @param finishedAt when it ended
 * @param attempt 1 for the first run
 * @param history how earlier attempts ended (for dead letters and retries)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
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
        List<Job.Attempt> history) {

    /** Show a job; {@code queuePosition} and {@code expectedStartSeconds} only apply while it is queued. */
    public static JobView of(Job job, @Nullable String etaText, @Nullable Integer queuePosition,
            @Nullable Long expectedStartSeconds) {
        boolean queued = job.state() == JobState.QUEUED;
        return new JobView(job.id(), job.sessionId(), job.batchId(), job.priority(), job.state(), job.progress(),
                job.etaSeconds(), etaText, job.message(), queued ? queuePosition : null,
                queued ? expectedStartSeconds : null, List.copyOf(job.stages().values()), job.createdAt(),
                job.startedAt(), job.finishedAt(), job.attempt(), job.history());
    }
}
