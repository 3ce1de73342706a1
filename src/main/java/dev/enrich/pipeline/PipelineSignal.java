package dev.enrich.pipeline;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Report what the pipeline did, in order: a stage started, progressed, is retrying a call, or finished with a
 * result.
 */
public sealed interface PipelineSignal permits PipelineSignal.Started, PipelineSignal.Progressed,
        PipelineSignal.Retrying, PipelineSignal.Finished {

    /** Return the stage this signal is about. */
    StageName stage();

    /** Report that a stage began running. */
    record Started(StageName stage) implements PipelineSignal {}

    /** Report a stage's progress 0..1 with a friendly message. */
    record Progressed(StageName stage, double fraction, String message) implements PipelineSignal {}

    /**
     * Report that a call of a running stage failed and will be tried again (see {@link RetryNotices}).
     *
     * @param attempt the attempt about to be made, 2 for the first retry
     * @param maxAttempts the most attempts that will be made
     * @param delay how long the stage waits before that attempt
     */
    record Retrying(StageName stage, int attempt, int maxAttempts, Duration delay) implements PipelineSignal {}

    /**
     * Report a stage's result; every requested stage finishes exactly once.
     *
     * @param failure what made the stage fail, when it failed by an error (the job runner decides whether a later run
     *     may succeed); null otherwise
     */
    record Finished(StageResult result, @Nullable Throwable failure) implements PipelineSignal {

        /** Report a result that no error produced. */
        public Finished(StageResult result) {
            this(result, null);
        }

        @Override
        public StageName stage() {
            return result.stage();
        }
    }
}
