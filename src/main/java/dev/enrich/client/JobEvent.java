package dev.enrich.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Carry one event of a job, batch or user stream ({@link EnrichClient#events}, {@link EnrichClient#batchEvents},
 * {@link EnrichClient#userEvents}): a record per kind of event. A stream starts with a snapshot ({@link JobSnapshot},
 * {@link BatchSnapshot} or {@link UserSnapshot}); a job's stream ends with an {@link Ended} event.
 *
 * <p>{@link #seq()} is the event's number in the stream it came on, increasing by one per event the service logged;
 * the client hands each number over once, in order, also across reconnects. A number may be skipped: the service
 * sends a slow reader only the latest of a job's {@link Progress} events, and a reader that was away longer than the
 * service keeps events gets a fresh snapshot instead of what it missed.
 */
public sealed interface JobEvent {

    /** Return the event's number in its stream. */
    long seq();

    /** Return the short friendly text that goes with the event. */
    String message();

    /** Return when it happened. */
    Instant at();

    /** Return true for the events that end a job: {@link Ended}. */
    default boolean isTerminal() {
        return this instanceof Ended;
    }

    /**
     * Show a job as it is when a stream of it opens (or reopens after a gap).
     *
     * @param seq the stream's number for it
     * @param job the job now
     * @param at when the snapshot was taken
     */
    record JobSnapshot(long seq, JobStatus job, Instant at) implements JobEvent {
        @Override
        public String message() {
            return job.message();
        }
    }

    /**
     * Show a batch as it is when its stream opens (or reopens after a gap).
     *
     * @param seq the stream's number for it
     * @param batch the batch now
     * @param at when the snapshot was taken
     */
    record BatchSnapshot(long seq, BatchStatus batch, Instant at) implements JobEvent {
        @Override
        public String message() {
            return batch.message();
        }
    }

    /**
     * Show a user's recent jobs, newest first, when the user's stream opens (or reopens after a gap).
     *
     * @param seq the stream's number for it
     * @param jobs up to 100 recent jobs
     * @param message e.g. "Your sessions."
     * @param at when the snapshot was taken
     */
    record UserSnapshot(long seq, List<JobStatus> jobs, String message, Instant at) implements JobEvent {
        public UserSnapshot {
            jobs = List.copyOf(jobs);
        }
    }

    /**
     * Say how far a running job got.
     *
     * @param seq the stream's number for it
     * @param jobId the job
     * @param batchId its batch, if any
     * @param progress overall progress, 0..1
     * @param etaSeconds remaining seconds; null when unknown
     * @param etaText the ETA in words, e.g. "~3 minutes remaining"
     * @param stage the stage that moved, if any
     * @param stageProgress that stage's own progress, 0..1
     * @param message short friendly text
     * @param at when
     */
    record Progress(long seq, String jobId, @Nullable String batchId, double progress, @Nullable Long etaSeconds,
            @Nullable String etaText, @Nullable Stage stage, @Nullable Double stageProgress, String message,
            Instant at) implements JobEvent {}

    /**
     * Say that a stage of a job started or finished.
     *
     * @param seq the stream's number for it
     * @param jobId the job
     * @param batchId its batch, if any
     * @param stage the stage
     * @param stageState where the stage stands now
     * @param progress the job's overall progress, 0..1
     * @param etaSeconds remaining seconds; null when unknown
     * @param message short friendly text, e.g. "Audio analyzed."
     * @param at when
     */
    record StageChanged(long seq, String jobId, @Nullable String batchId, Stage stage, StageState stageState,
            double progress, @Nullable Long etaSeconds, String message, Instant at) implements JobEvent {}

    /**
     * Say that a call of a running stage failed and will be tried again.
     *
     * @param seq the stream's number for it
     * @param jobId the job
     * @param batchId its batch, if any
     * @param stage the stage
     * @param attempt the attempt about to be made, 2 for the first retry
     * @param maxAttempts the most attempts that will be made
     * @param delay the wait before it
     * @param message e.g. "Couldn't reach the AI service. Retrying in 4s..."
     * @param at when
     */
    record Retrying(long seq, String jobId, @Nullable String batchId, Stage stage, int attempt, int maxAttempts,
            Duration delay, String message, Instant at) implements JobEvent {}

    /**
     * Say how a batch stands after one of its jobs moved: counts, progress, ETA; the last one shows it finished.
     *
     * @param seq the stream's number for it
     * @param batch the batch now
     * @param at when
     */
    record BatchChanged(long seq, BatchStatus batch, Instant at) implements JobEvent {
        @Override
        public String message() {
            return batch.message();
        }
    }

    /**
     * Say how a job ended; its stream ends with this event. {@link #state()} tells which of the records it is.
     */
    sealed interface Ended extends JobEvent permits Completed, Partial, Failed, Cancelled, Interrupted {

        /** Return the job. */
        String jobId();

        /** Return its batch, if any. */
        @Nullable String batchId();

        /** Return the state the job ended in. */
        JobState state();
    }

    /**
     * Say a job completed: every requested stage succeeded or had no input.
     *
     * @param seq the stream's number for it
     * @param jobId the job
     * @param batchId its batch, if any
     * @param message e.g. "Session enriched."
     * @param at when
     */
    record Completed(long seq, String jobId, @Nullable String batchId, String message, Instant at) implements Ended {
        @Override
        public JobState state() {
            return JobState.COMPLETED;
        }
    }

    /**
     * Say a job ended with part of its results: some stage degraded or failed.
     *
     * @param seq the stream's number for it
     * @param jobId the job
     * @param batchId its batch, if any
     * @param message e.g. "Session partially enriched (audio only)"
     * @param at when
     */
    record Partial(long seq, String jobId, @Nullable String batchId, String message, Instant at) implements Ended {
        @Override
        public JobState state() {
            return JobState.PARTIAL;
        }
    }

    /**
     * Say a job failed: nothing useful came out. {@link EnrichClient#retry} runs it again.
     *
     * @param seq the stream's number for it
     * @param jobId the job
     * @param batchId its batch, if any
     * @param message why, in friendly words
     * @param at when
     */
    record Failed(long seq, String jobId, @Nullable String batchId, String message, Instant at) implements Ended {
        @Override
        public JobState state() {
            return JobState.FAILED;
        }
    }

    /**
     * Say a job was cancelled.
     *
     * @param seq the stream's number for it
     * @param jobId the job
     * @param batchId its batch, if any
     * @param message short friendly text
     * @param at when
     */
    record Cancelled(long seq, String jobId, @Nullable String batchId, String message, Instant at) implements Ended {
        @Override
        public JobState state() {
            return JobState.CANCELLED;
        }
    }

    /**
     * Say a job was stopped by a restart of the service; {@link EnrichClient#retry} runs it again.
     *
     * @param seq the stream's number for it
     * @param jobId the job
     * @param batchId its batch, if any
     * @param message short friendly text
     * @param at when
     */
    record Interrupted(long seq, String jobId, @Nullable String batchId, String message, Instant at)
            implements Ended {
        @Override
        public JobState state() {
            return JobState.INTERRUPTED;
        }
    }

    /**
     * Carry an event of a kind this version of the client does not know (a newer service), as it came.
     *
     * @param seq the stream's number for it
     * @param type the SSE event name
     * @param data the event's JSON
     * @param message its message, or empty
     * @param at when, or the epoch when it did not say
     */
    record Unknown(long seq, String type, String data, String message, Instant at) implements JobEvent {}
}
