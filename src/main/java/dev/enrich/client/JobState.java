package dev.enrich.client;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Tell where a job (or a batch) stands. */
public enum JobState {
    /** Waiting for a worker. */
    QUEUED,
    /** Being worked on. */
    RUNNING,
    /** Every requested stage succeeded (or was skipped for want of input). */
    COMPLETED,
    /** Something useful came out, but some stage degraded or failed. */
    PARTIAL,
    /** Nothing useful came out. */
    FAILED,
    /** Cancelled by its owner. */
    CANCELLED,
    /** Stopped by a restart of the service before it finished; it can be retried. */
    INTERRUPTED,
    /** A state this version of the client does not know (a newer service). */
    @JsonEnumDefaultValue
    UNKNOWN;

    /** Return true once the job will not change any more without a retry. */
    public boolean isTerminal() {
        return this != QUEUED && this != RUNNING && this != UNKNOWN;
    }

    /** Return the wire name, e.g. {@code "completed"}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
