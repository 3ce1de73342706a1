package dev.enrich.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Name the events of job, batch and user streams; the SSE {@code event:} field is {@link #id()}. */
public enum EventType {
    SNAPSHOT,
    STAGE,
    PROGRESS,
    RETRYING,
    COMPLETED,
    PARTIAL,
    FAILED,
    CANCELLED,
    /** A job stopped by shutdown; retryable. */
    INTERRUPTED,
    BATCH;

    /** Return the lower-case wire name. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Return true for the events that end a job's stream. */
    public boolean isTerminal() {
        return this == COMPLETED || this == PARTIAL || this == FAILED || this == CANCELLED || this == INTERRUPTED;
    }
}
