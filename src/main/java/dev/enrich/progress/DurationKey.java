package dev.enrich.progress;

import dev.enrich.pipeline.StageName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a learned duration is kept under: a stage kind; where its cost depends on what it reads, its input (the
 * summary of an audio recording's transcript is learned apart from the summary of a video's chapters); and the length
 * class of its media, for how its time spreads over its progress (a fixed cost, such as a call at the end, is most of
 * a short recording's time and little of a long one's).
 *
 * @param stage the stage kind
 * @param input what the stage reads, lower-case letters joined by {@code +} (e.g. {@code audio},
 *     {@code audio+video}), or empty for the stage whatever it reads
 * @param lengthClass the media's length class ({@link #lengthClass(Duration)}: media of 2^c to 2^(c+1) seconds), or
 *     {@link #ANY_LENGTH}
 */
public record DurationKey(StageName stage, String input, int lengthClass) {

    /** No length class: whatever the media's length. */
    public static final int ANY_LENGTH = -1;
    /** The longest length class (media of 2^30 s and more fall in it). */
    static final int MAX_LENGTH_CLASS = 30;

    private static final String INPUT_SYNTAX = "[a-z]+(?:\\+[a-z]+)*";
    private static final Pattern INPUT = Pattern.compile(INPUT_SYNTAX);
    /** {@link #id()}: stage, then /input and @class when there are. */
    private static final Pattern ID = Pattern.compile("([a-z]+)(?:/(" + INPUT_SYNTAX + "))?(?:@([0-9]{1,2}))?");

    public DurationKey {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(input, "input");
        if (!input.isEmpty() && !INPUT.matcher(input).matches()) {
            throw new IllegalArgumentException("input must be lower-case words joined by '+', but was '" + input
                    + "'");
        }
        if (lengthClass < ANY_LENGTH || lengthClass > MAX_LENGTH_CLASS) {
            throw new IllegalArgumentException("lengthClass must be in [-1, " + MAX_LENGTH_CLASS + "], but was "
                    + lengthClass);
        }
    }

    /** Return the key of {@code stage} on {@code input} (empty: whatever it reads), whatever the media's length. */
    public DurationKey(StageName stage, String input) {
        this(stage, input, ANY_LENGTH);
    }

    /** Return the key of {@code stage} whatever it reads and whatever the media's length. */
    public static DurationKey of(StageName stage) {
        return new DurationKey(stage, "", ANY_LENGTH);
    }

    /**
     * Return the length class of {@code length}: c where the media lasts 2^c to 2^(c+1) seconds (0 below 2 s), or
     * {@link #ANY_LENGTH} when the length is unknown.
     */
    public static int lengthClass(@Nullable Duration length) {
        if (length == null || length.isNegative() || length.isZero()) {
            return ANY_LENGTH;
        }
        long seconds = Math.max(1, length.getSeconds());
        return Math.min(MAX_LENGTH_CLASS, 63 - Long.numberOfLeadingZeros(seconds));
    }

    /** Return this key with the media's length class of {@code length} (unchanged in class when it is unknown). */
    public DurationKey withLength(@Nullable Duration length) {
        return new DurationKey(stage, input, lengthClass(length));
    }

    /**
     * Return the keys a read of this one falls back to, most specific first, this one excluded: without the length
     * class, then the stage as a whole.
     */
    public List<DurationKey> fallbacks() {
        List<DurationKey> out = new ArrayList<>(2);
        if (lengthClass != ANY_LENGTH && !input.isEmpty()) {
            out.add(new DurationKey(stage, input, ANY_LENGTH));
        }
        if (lengthClass != ANY_LENGTH || !input.isEmpty()) {
            out.add(of(stage));
        }
        return out;
    }

    /**
     * Return the stable text form: the stage's id, then {@code /input} and {@code @class} when there are (no
     * {@code :}).
     */
    public String id() {
        return stage.id() + (input.isEmpty() ? "" : "/" + input) + (lengthClass == ANY_LENGTH ? "" : "@" + lengthClass);
    }

    /** Read {@link #id()}; empty when the text names no known stage, a malformed input or class. */
    public static Optional<DurationKey> parse(String id) {
        Matcher m = ID.matcher(id);
        if (!m.matches()) {
            return Optional.empty();
        }
        String input = m.group(2) == null ? "" : m.group(2);
        int lengthClass = m.group(3) == null ? ANY_LENGTH : Integer.parseInt(m.group(3));
        if (lengthClass > MAX_LENGTH_CLASS) {
            return Optional.empty();
        }
        return StageName.parse(m.group(1)).map(stage -> new DurationKey(stage, input, lengthClass));
    }

    @Override
    public String toString() {
        return id();
    }
}
