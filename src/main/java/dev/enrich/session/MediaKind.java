package dev.enrich.session;

import java.util.Locale;

/** Name the kinds of media a session can carry; the multipart part name is {@link #part()}. */
public enum MediaKind {
    AUDIO,
    VIDEO,
    FRAMES;

    /** Return the multipart part name. */
    public String part() {
        return name().toLowerCase(Locale.ROOT);
    }
}
