package dev.enrich.client;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Name the enrichment stages a job runs. */
public enum Stage {
    /** Speech, loudness and transcript of the audio. */
    AUDIO,
    /** Chapters, scene changes and key frames of the video or screenshots. */
    VIDEO,
    /** Title, summary, highlights, keywords and action items. */
    SUMMARY,
    /** The one-page canvas built from the other results. */
    CANVAS,
    /** A stage this version of the client does not know (a newer service); never sent. */
    @JsonEnumDefaultValue
    UNKNOWN;

    /** Return the wire name, e.g. {@code "audio"}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
