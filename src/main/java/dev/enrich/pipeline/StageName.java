package dev.enrich.pipeline;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Name the enrichment stages and the edges of the pipeline DAG.
 *
 * <p>{@code audio} and {@code video} are independent; {@code summary} reads whatever they produced; {@code canvas}
 * reads the summary and the rest. Dependencies are ordering constraints: a stage waits for the requested stages it
 * depends on, whatever their outcome.
 */
public enum StageName {
    AUDIO,
    VIDEO,
    SUMMARY,
    CANVAS;

    /** Return the lower-case wire name, e.g. {@code "audio"}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }

    /** Return the stages this stage runs after when they are part of the same job. */
    public Set<StageName> dependencies() {
        return switch (this) {
            case AUDIO, VIDEO -> EnumSet.noneOf(StageName.class);
            case SUMMARY -> EnumSet.of(AUDIO, VIDEO);
            case CANVAS -> EnumSet.of(AUDIO, VIDEO, SUMMARY);
        };
    }

    /** Parse a wire name, case-insensitively; empty when unknown. */
    public static Optional<StageName> parse(String id) {
        for (StageName s : values()) {
            if (s.id().equalsIgnoreCase(id.trim())) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Return a friendly line for a stage that finished well, e.g. "Audio analyzed.". */
    public String done() {
        return switch (this) {
            case AUDIO -> "Audio analyzed.";
            case VIDEO -> "Video analyzed.";
            case SUMMARY -> "Summary written.";
            case CANVAS -> "Canvas ready.";
        };
    }

    /** Return a friendly progress label, e.g. "Analyzing audio...". */
    public String activity() {
        return switch (this) {
            case AUDIO -> "Analyzing audio...";
            case VIDEO -> "Analyzing video...";
            case SUMMARY -> "Writing summary...";
            case CANVAS -> "Drawing canvas...";
        };
    }
}
