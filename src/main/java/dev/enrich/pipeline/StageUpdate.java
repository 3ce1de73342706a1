package dev.enrich.pipeline;

/**
 * Report from a running stage: progress ticks, then exactly one {@link Done} as the last element.
 */
public sealed interface StageUpdate permits StageUpdate.Progress, StageUpdate.Done {

    /** Return a progress tick. */
    static StageUpdate progress(double fraction, String message) {
        return new Progress(fraction, message);
    }

    /** Return the final update carrying the result. */
    static StageUpdate done(StageResult result) {
        return new Done(result);
    }

    /**
     * Report how far the stage is.
     *
     * @param fraction 0..1
     * @param message short friendly text, e.g. "Analyzing audio..."
     */
    record Progress(double fraction, String message) implements StageUpdate {}

    /** Carry the stage's result. */
    record Done(StageResult result) implements StageUpdate {}
}
