package dev.enrich.stage.summary;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Suggest a title. The session's own title is kept unless it is generic ("Untitled", "Recording 3", "Meeting
 * 2024-05-02", "IMG_0042"): a person who named the session knows best. Otherwise, in order: the first Markdown
 * heading of the notes, the best-ranked highlight of 3 to 10 words that fits {@value #MAX_CHARS} characters, the top
 * three keywords, "Untitled session".
 */
final class Titles {

    static final int MAX_CHARS = 60;

    private static final Set<String> GENERIC_WORDS = Set.of("a", "an", "the", "of", "on", "at", "my", "our", "new",
            "untitled", "unnamed", "title", "session", "sessions", "recording", "recordings", "record", "meeting",
            "meetings", "call", "notes", "note", "test", "testing", "audio", "video", "screen", "screenshots",
            "capture", "upload", "file", "draft", "img", "vid", "rec", "mov", "mp4", "wav", "zoom", "teams", "meet",
            "am", "pm", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
            "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
            "december", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday",
            "friday", "saturday", "sunday", "today", "yesterday");

    private static final Pattern NOT_A_WORD = Pattern.compile("[^\\p{L}]+");
    private static final Pattern END = Pattern.compile("[\\s.!?;:,…]+$");

    private Titles() {}

    /** Return true when {@code title} says nothing about the session. */
    static boolean isGeneric(String title) {
        for (String word : NOT_A_WORD.split(title.toLowerCase(Locale.ROOT))) {
            if (!word.isEmpty() && !GENERIC_WORDS.contains(word)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Return the title for a text summary.
     *
     * @param ranked highlight sentences, best-ranked first
     */
    static String forText(String sessionTitle, @Nullable String heading, List<String> ranked, List<String> keywords) {
        if (!isGeneric(sessionTitle)) {
            return sessionTitle.strip();
        }
        if (heading != null && heading.length() <= MAX_CHARS && !isGeneric(heading)) {
            return END.matcher(heading).replaceAll("");
        }
        for (String sentence : ranked) {
            String candidate = END.matcher(sentence).replaceAll("");
            int words = candidate.split("\\s+").length;
            if (candidate.length() <= MAX_CHARS && words >= 3 && words <= 10) {
                return candidate;
            }
        }
        if (!keywords.isEmpty()) {
            List<String> top = keywords.subList(0, Math.min(3, keywords.size()));
            String joined = top.size() == 1 ? top.get(0)
                    : String.join(", ", top.subList(0, top.size() - 1)) + " and " + top.get(top.size() - 1);
            return capitalise(joined);
        }
        return "Untitled session";
    }

    /** Return the title for a structural summary: the session's own unless generic, else {@code fallback}. */
    static String forStructure(String sessionTitle, String fallback) {
        return isGeneric(sessionTitle) ? fallback : sessionTitle.strip();
    }

    static String capitalise(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ENGLISH) + s.substring(1);
    }
}
