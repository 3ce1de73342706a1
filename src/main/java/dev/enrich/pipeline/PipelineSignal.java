package dev.enrich.pipeline;

/** Report what the pipeline did, in order: a stage started, progressed, or finished with a result. */
public sealed interface PipelineSignal permits PipelineSignal.Started, PipelineSignal.Progressed,
        PipelineSignal.Finished {

    /** Return the stage this signal is about. */
    StageName stage();

    /** Report that a stage began running. */
    record Started(StageName stage) implements PipelineSignal {}

    /** Report a stage's progress 0..1 with a friendly message. */
    record Progressed(StageName stage, double fraction, String message) implements PipelineSignal {}

    /** Report a stage's result; every requested stage finishes exactly once. */
    record Finished(StageResult result) implements PipelineSignal {
        @Override
        public StageName stage() {
            return result.stage();
        }
    }
}
