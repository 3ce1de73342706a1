package dev.enrich.job;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code state} filter of a job listing: every state, or exactly one. The one parser of that query parameter,
 * shared by the access rule (dead letters are an operator's view) and the listing itself, so both always see the
 * same state.
 *
 * @param state the wanted state; null for every state
 */
public record JobStateFilter(@Nullable JobState state) {

    private static final JobStateFilter ANY = new JobStateFilter(null);

    /**
     * Parse the values of the {@code state} query parameter: none means every state; otherwise each value must be a
     * state's name, in any letter case and nothing else (no spaces, no control characters), and repeats must name
     * the same state.
     *
     * @throws IllegalArgumentException with a friendly message for anything else
     */
    public static JobStateFilter parse(List<String> values) {
        JobState wanted = null;
        for (String value : values) {
            JobState state = state(value).orElseThrow(() -> new IllegalArgumentException("Unknown state '"
                    + printable(value) + "'. Use queued, running, completed, partial, failed, cancelled or "
                    + "interrupted."));
            if (wanted != null && wanted != state) {
                throw new IllegalArgumentException("Choose one state, not both " + wanted + " and " + state + ".");
            }
            wanted = state;
        }
        return wanted == null ? ANY : new JobStateFilter(wanted);
    }

    /** Return true when the filter asks for the dead letters (failed jobs) only. */
    public boolean deadLetters() {
        return state == JobState.FAILED;
    }

    private static Optional<JobState> state(@Nullable String value) {
        if (value == null || value.isEmpty() || !value.chars().allMatch(c -> c >= 'a' && c <= 'z'
                || c >= 'A' && c <= 'Z')) {
            return Optional.empty();
        }
        String name = value.toUpperCase(Locale.ROOT);
        for (JobState state : JobState.values()) {
            if (state.name().equals(name)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    /** Return {@code value} fit for a message: control characters shown as {@code ?}, at most 40 characters. */
    private static String printable(@Nullable String value) {
        if (value == null) {
            return "";
        }
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return shown.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
