package dev.enrich.session;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Point at a session's free text (notes or a transcript) without holding it: texts longer than
 * {@link #PREVIEW_CHARS} live in the {@link MediaStore} with the session's media, and only their length and a
 * preview stay in memory; shorter texts are their own preview. Immutable.
 *
 * @param key the MediaStore key of the whole text, or null when the preview is the whole text
 * @param length the text's length in characters (UTF-16 code units, like {@link String#length()})
 * @param preview the start of the text, at most {@link #PREVIEW_CHARS} characters
 */
public record SessionText(@JsonIgnore @Nullable String key, int length, String preview) {

    /** The most characters a preview holds, and the longest text kept in memory whole. */
    public static final int PREVIEW_CHARS = 280;

    public SessionText {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, but was " + length);
        }
        if (key == null && preview.length() != length) {
            throw new IllegalArgumentException("a text without a key must be its own preview");
        }
        if (key != null && preview.length() > Math.min(PREVIEW_CHARS, length)) {
            throw new IllegalArgumentException("preview must be at most " + PREVIEW_CHARS + " characters");
        }
    }

    /** Hold {@code text} whole in memory: for short texts, and for tests. */
    public static SessionText inline(String text) {
        return new SessionText(null, text.length(), text);
    }

    /** Describe {@code text}, stored whole under {@code key}. */
    public static SessionText stored(String key, String text) {
        return new SessionText(key, text.length(), preview(text));
    }

    /** Return true when the whole text lives in the store, not in this record. */
    @JsonIgnore
    public boolean isStored() {
        return key != null;
    }

    /** Return true when the text is empty or only white space; a stored text never is (uploads strip texts). */
    @JsonIgnore
    public boolean isBlank() {
        return key == null && preview.isBlank();
    }

    /** Read the whole text, from {@code store} when it is stored. Blocking: call it off the event loop. */
    public String read(MediaStore store) throws IOException {
        if (key == null) {
            return preview;
        }
        try (InputStream in = store.open(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String preview(String text) {
        if (text.length() <= PREVIEW_CHARS) {
            return text;
        }
        // Never cut a surrogate pair in half.
        int end = Character.isHighSurrogate(text.charAt(PREVIEW_CHARS - 1)) ? PREVIEW_CHARS - 1 : PREVIEW_CHARS;
        return text.substring(0, end);
    }
}
