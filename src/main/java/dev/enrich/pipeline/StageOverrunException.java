package dev.enrich.pipeline;

import java.time.Duration;

/** Signal that a stage was stopped for running past its budget or for going silent past the stall timeout. */
final class StageOverrunException extends RuntimeException {

    private final boolean stalled;

    StageOverrunException(StageName stage, boolean stalled, Duration limit) {
        super("stage " + stage.id() + (stalled ? " made no progress for " : " ran past its budget of ") + limit,
                null, false, false);
        this.stalled = stalled;
    }

    /** Return true when the stage went silent (worth one retry), false when it ran past its budget. */
    boolean stalled() {
        return stalled;
    }
}
