package dev.enrich.session;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** Name the kinds of media a session can carry; the multipart part name is {@link #part()}. */
public enum MediaKind {
    AUDIO,
    VIDEO,
    FRAMES;

    /** Return the multipart part name. */
    public String part() {
        return name().toLowerCase(Locale.ROOT);
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
