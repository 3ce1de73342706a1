package dev.enrich.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageState;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Carry one event of a job (or, for {@link EventType#BATCH}, of a batch): the JSON {@code data:} of an SSE event.
 *
 * <p>{@code seq} is the sequence number in the stream the event is delivered on (1, 2, ...); {@code jobSeq} is its
 * number in the job's own stream, so the same event keeps one identity across the job, batch and user streams.
 * Immutable; {@link #withSeq} returns a copy.
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
