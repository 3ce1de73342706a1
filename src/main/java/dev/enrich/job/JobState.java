package dev.enrich.job;

import com.fasterxml.jackson.annotation.JsonValue;

/** Tell where a job stands. */
public enum JobState {
    QUEUED,
    RUNNING,
    /** Every requested stage succeeded (or was skipped for want of input). */
    COMPLETED,
    /** Something useful came out, but some stage degraded or failed. */
    PARTIAL,
    /** Nothing useful came out. */
    FAILED,
    CANCELLED,
    /** Stopped by a shutdown before it finished; can be retried. */
    INTERRUPTED;

    /** Return true once the job will not change any more without a retry. */
    public boolean isTerminal() {
        return this != QUEUED && this != RUNNING;
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
