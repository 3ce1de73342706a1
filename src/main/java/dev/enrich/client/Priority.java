package dev.enrich.client;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Order jobs in the service's queue: interactive jobs are taken before batch jobs. */
public enum Priority {
    /** Someone is waiting for the result (the default). */
    INTERACTIVE,
    /** Background work; every job of a batch has this priority. */
    BATCH,
    /** A priority this version of the client does not know (a newer service); never sent. */
    @JsonEnumDefaultValue
    UNKNOWN;

    /** Return the wire name, e.g. {@code "interactive"}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
