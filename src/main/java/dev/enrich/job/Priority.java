package dev.enrich.job;

import com.fasterxml.jackson.annotation.JsonValue;

/** Order jobs in the queue: interactive jobs are taken before batch jobs. */
public enum Priority {
    INTERACTIVE,
    BATCH;

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
