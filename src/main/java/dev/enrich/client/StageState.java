package dev.enrich.client;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Tell where one stage of a job stands; {@link #SUCCEEDED} to {@link #CANCELLED} are outcomes. */
public enum StageState {
    /** Not started yet. */
    PENDING,
    /** Running now. */
    RUNNING,
    /** Produced its full result. */
    SUCCEEDED,
    /** Produced a lesser result from a fallback. */
    DEGRADED,
    /** Produced nothing useful. */
    FAILED,
    /** Had no input to work on (not a failure). */
    SKIPPED,
    /** Stopped by a cancel. */
    CANCELLED,
    /** A state this version of the client does not know (a newer service). */
    @JsonEnumDefaultValue
    UNKNOWN;

    /** Return true when the stage produced something useful. */
    public boolean isUseful() {
        return this == SUCCEEDED || this == DEGRADED;
    }

    /** Return the wire name, e.g. {@code "succeeded"}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
