package dev.enrich.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.enrich.job.BatchView;
import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.job.JobView;
import dev.enrich.job.StageStatus;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageState;
import dev.enrich.progress.EtaText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Carry one event of a job (or, for {@link EventType#BATCH}, of a batch): the JSON {@code data:} of an SSE event.
 *
 * <p>{@code seq} is the sequence number in the stream the event is delivered on (1, 2, ...); {@code jobSeq} is its
 * number in the job's own stream, so the same event keeps one identity across the job, batch and user streams.
 * Immutable; {@link #withSeq} returns a copy.
 *
 * <p>Each kind of event has one factory here ({@link #progress}, {@link #stage}, {@link #retrying}, {@link #ended},
 * {@link #batch} and the three snapshots); nothing else builds events.
 *
 * @param type event name
 * @param seq sequence in the delivering stream (0 until appended)
 * @param jobSeq sequence in the job's own stream (0 for batch events)
 * @param jobId the job, or null for batch events
 * @param batchId the batch the job belongs to, if any
 * @param tenant owner; never written to the wire
 * @param state job (or batch) state after this event
 * @param progress overall progress 0..1
 * @param etaSeconds remaining seconds, null when unknown, never 0 while work remains
 * @param message short friendly text for people
 * @param stage stage name for stage, progress and retrying events
 * @param stageState the stage's state for stage events
 * @param stageProgress the stage's own progress 0..1
 * @param detail event-specific body: the job or batch view for snapshots and batch events, retry details
 * @param at when it happened
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobEvent(
        EventType type,
        long seq,
        long jobSeq,
        @Nullable String jobId,
        @Nullable String batchId,
        @JsonIgnore String tenant,
        JobState state,
        double progress,
        @Nullable Long etaSeconds,
        String message,
        @Nullable String stage,
        @Nullable StageState stageState,
        @Nullable Double stageProgress,
        @Nullable Object detail,
        Instant at) {

    /** Say, while a job runs, what its overall progress is; {@code stage} names the stage that moved, if any. */
    public static JobEvent progress(Job job, @Nullable StageName stage, Instant at) {
        return of(EventType.PROGRESS, job, stage, job.message(), eta(job), at);
    }

    /** Say that a stage of a job started or finished; the message is the stage's own when it has one. */
    public static JobEvent stage(Job job, StageName stage, Instant at) {
        StageStatus status = job.stages().get(stage);
        String message = status != null && status.message() != null ? status.message() : job.message();
        return of(EventType.STAGE, job, stage, message, eta(job), at);
    }

    /**
     * Say that a call of a running stage failed and will be tried again after {@code delay}, in short friendly words
     * ("Couldn't reach the AI service. Retrying in 4s..."): never the error, a status code or a cost.
     *
     * @param attempt the attempt about to be made, 2 for the first retry
     */
    public static JobEvent retrying(Job job, StageName stage, int attempt, int maxAttempts, Duration delay,
            Instant at) {
        long seconds = Math.max(1, Math.round(delay.toMillis() / 1000.0));
        return of(EventType.RETRYING, job, stage, retryingMessage(seconds),
                new RetryDetail(attempt, maxAttempts, seconds), at);
    }

    /**
     * Say that a run of a job failed for a passing cause and the job, queued again, runs by itself after
     * {@code delay}, in short friendly words ("Something went wrong. Retrying in 8s..."): never the error or a cost.
     * Not an end: the job's stream goes on. {@code stage} is the stage that failed.
     *
     * @param attempt the run about to be made, 2 for the first automatic retry
     */
    public static JobEvent jobRetrying(Job job, StageName stage, int attempt, int maxAttempts, Duration delay,
            Instant at) {
        long seconds = Math.max(1, Math.round(delay.toMillis() / 1000.0));
        return of(EventType.RETRYING, job, stage, jobRetryingMessage(delay),
                new RetryDetail(attempt, maxAttempts, seconds), at);
    }

    /** Return the words a {@link #jobRetrying} event (and the waiting job) shows for a wait of {@code delay}. */
    public static String jobRetryingMessage(Duration delay) {
        long seconds = Math.max(1, Math.round(delay.toMillis() / 1000.0));
        return "Something went wrong. Retrying in " + (seconds < 90 ? seconds + "s" : Math.round(seconds / 60.0)
                + " min") + "...";
    }

    /** Return the words a {@link #retrying} event shows while waiting {@code seconds} (at least 1). */
    static String retryingMessage(long seconds) {
        return "Couldn't reach the AI service. Retrying in " + seconds + "s...";
    }

    /**
     * Say how a job ended: the event is named after its terminal state ({@code completed}, {@code partial},
     * {@code failed}, {@code cancelled}, {@code interrupted}).
     *
     * @throws IllegalArgumentException if the job has not ended
     */
    public static JobEvent ended(Job job, Instant at) {
        if (!job.state().isTerminal()) {
            throw new IllegalArgumentException("job must have ended, but was " + job.state());
        }
        return of(EventType.valueOf(job.state().name()), job, null, job.message(), null, at);
    }

    /** Show a job as it is now to a new subscriber of its stream, numbered {@code seq} in that stream. */
    public static JobEvent jobSnapshot(Job job, JobView view, long seq, Instant at) {
        return of(EventType.SNAPSHOT, job, null, job.message(), view, at).withSeq(seq).withJobSeq(seq);
    }

    /** Say how a batch stands now (counts, progress, ETA); the body is the whole view. */
    public static JobEvent batch(BatchView batch, String tenant, Instant at) {
        return new JobEvent(EventType.BATCH, 0, 0, null, batch.id(), tenant, batch.state(), batch.progress(),
                batch.etaSeconds(), batch.message(), null, null, null, batch, at);
    }

    /** Show a batch as it is now to a new subscriber of its stream, numbered {@code seq} in that stream. */
    public static JobEvent batchSnapshot(BatchView batch, String tenant, long seq, Instant at) {
        return new JobEvent(EventType.SNAPSHOT, seq, 0, null, batch.id(), tenant, batch.state(), batch.progress(),
                batch.etaSeconds(), batch.message(), null, null, null, batch, at);
    }

    /**
     * Return true when this is a batch's view (a {@code batch} event or a batch's snapshot) that shows the batch
     * finished: the batch's stream ends with it.
     */
    public boolean showsBatchFinished() {
        return (type == EventType.BATCH || type == EventType.SNAPSHOT) && jobId == null && batchId != null
                && state.isTerminal();
    }

    /** Show a user's recent jobs to a new subscriber of the user's stream, numbered {@code seq} in that stream. */
    public static JobEvent userSnapshot(String tenant, List<JobView> jobs, long seq, Instant at) {
        return new JobEvent(EventType.SNAPSHOT, seq, 0, null, null, tenant, JobState.RUNNING, 0, null,
                jobs.isEmpty() ? "No sessions yet." : "Your sessions.", null, null, null, new UserSnapshot(jobs), at);
    }

    private static JobEvent of(EventType type, Job job, @Nullable StageName stage, String message,
            @Nullable Object detail, Instant at) {
        StageStatus status = stage == null ? null : job.stages().get(stage);
        return new JobEvent(type, 0, 0, job.id(), job.batchId(), job.tenant(), job.state(), job.progress(),
                job.etaSeconds(), message, stage == null ? null : stage.id(), status == null ? null : status.state(),
                status == null ? null : status.progress(), detail, at);
    }

    private static @Nullable EtaDetail eta(Job job) {
        return job.state().isTerminal() ? null : new EtaDetail(EtaText.describe(job.etaSeconds()));
    }

    /**
     * Carry the ETA in words, the body of progress and stage events.
     *
     * @param etaText e.g. "~3 minutes remaining"
     */
    public record EtaDetail(String etaText) {}

    /**
     * Carry what a {@code retrying} event says about the retry.
     *
     * @param attempt the attempt about to be made, 2 for the first retry
     * @param maxAttempts the most attempts that will be made
     * @param delaySeconds the wait before it, whole seconds, at least 1
     */
    public record RetryDetail(int attempt, int maxAttempts, long delaySeconds) {}

    /**
     * Carry the jobs a per-user snapshot shows, newest first.
     *
     * @param jobs the user's recent jobs
     */
    public record UserSnapshot(List<JobView> jobs) {
        public UserSnapshot {
            jobs = List.copyOf(jobs);
        }
    }

    /** Return a copy numbered {@code seq} in the stream it is appended to. */
    public JobEvent withSeq(long seq) {
        return new JobEvent(type, seq, jobSeq, jobId, batchId, tenant, state, progress, etaSeconds, message, stage,
                stageState, stageProgress, detail, at);
    }

    /**
     * Return a copy numbered {@code seq} in the stream it is being appended to. A job event not yet numbered in its
     * job's stream ({@code jobSeq} 0) is being appended to that stream, the first it goes to, so it takes {@code seq}
     * as its {@code jobSeq} too. Event logs number events with this method.
     */
    public JobEvent numbered(long seq) {
        return jobSeq == 0 && jobId != null ? withSeq(seq).withJobSeq(seq) : withSeq(seq);
    }

    /** Return a copy numbered {@code jobSeq} in its job's stream. */
    public JobEvent withJobSeq(long jobSeq) {
        return new JobEvent(type, seq, jobSeq, jobId, batchId, tenant, state, progress, etaSeconds, message, stage,
                stageState, stageProgress, detail, at);
    }

    /** Return a copy with a different body. */
    public JobEvent withDetail(@Nullable Object detail) {
        return new JobEvent(type, seq, jobSeq, jobId, batchId, tenant, state, progress, etaSeconds, message, stage,
                stageState, stageProgress, detail, at);
    }
}
