package dev.enrich.progress;

import dev.enrich.pipeline.StageName;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a learned duration is kept under: a stage kind and, where its cost depends on what it reads, its input (e.g.
 * the summary of an audio recording's transcript is learned apart from the summary of a video's chapters).
 *
 * @param stage the stage kind
 * @param input what the stage reads, lower-case letters and {@code +} (e.g. {@code audio}, {@code audio+video}), or
 *     empty for the stage whatever it reads
 */
public record DurationKey(StageName stage, String input) {

    private static final Pattern INPUT = Pattern.compile("[a-z]+(\\+[a-z]+)*");

    public DurationKey {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(input, "input");
        if (!input.isEmpty() && !INPUT.matcher(input).matches()) {
            throw new IllegalArgumentException("input must be lower-case words joined by '+', but was '" + input
                    + "'");
        }
    }

    /** Return the key of {@code stage} whatever it reads. */
    public static DurationKey of(StageName stage) {
        return new DurationKey(stage, "");
    }

    /** Return true when this key names an input, false for the stage whatever it reads. */
    public boolean hasInput() {
        return !input.isEmpty();
    }

    /** Return the key of this stage whatever it reads. */
    public DurationKey any() {
        return hasInput() ? of(stage) : this;
    }

    /** Return the stable text form: the stage's id, then {@code /input} when there is one (no {@code :}). */
    public String id() {
        return hasInput() ? stage.id() + "/" + input : stage.id();
    }

    /** Read {@link #id()}; empty when the text names no known stage or a malformed input. */
    public static Optional<DurationKey> parse(String id) {
        int slash = id.indexOf('/');
        String stage = slash < 0 ? id : id.substring(0, slash);
        String input = slash < 0 ? "" : id.substring(slash + 1);
        if (slash >= 0 && input.isEmpty()) {
            return Optional.empty();
        }
        return StageName.parse(stage).flatMap(name -> INPUT.matcher(input).matches() || input.isEmpty()
                ? Optional.of(new DurationKey(name, input)) : Optional.empty());
    }

    @Override
    public String toString() {
        return id();
    }
}
