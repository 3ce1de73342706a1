package dev.enrich.pipeline;

import com.fasterxml.jackson.annotation.JsonValue;

/** Tell where one stage of a job stands; the last four are outcomes. */
public enum StageState {
    PENDING,
    RUNNING,
    SUCCEEDED,
    DEGRADED,
    FAILED,
    SKIPPED,
    CANCELLED;

    /** Return true once the stage will not change any more. */
    public boolean isFinished() {
        return this != PENDING && this != RUNNING;
    }

    /** Return true when the stage produced something useful. */
    public boolean isUseful() {
        return this == SUCCEEDED || this == DEGRADED;
    }

    /** Return the lower-case wire name. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return wire();
    }
}
