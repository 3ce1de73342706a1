package dev.enrich.stage.ai;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Handle the text going to and coming from the chat model: hash requests for the per-job cache, read replies (untrusted
 * input) as JSON objects with the application's mapper, and clean their strings. Cleaned text is not HTML-safe:
 * whoever renders it escapes it.
 */
public final class AiText {

    /** Control characters other than newline and tab, and the invisible bidi overrides and isolates. */
    private static final Pattern UNWANTED = Pattern.compile("[\\p{Cc}&&[^\\n\\t]]|[\\u202A-\\u202E\\u2066-\\u2069]");
    private static final Pattern SPACES = Pattern.compile("[\\s&&[^\\n]]+");
    private static final Pattern LINE_BREAK = Pattern.compile(" ?\\n ?");
    private static final Pattern BLANK_LINES = Pattern.compile("\\n{3,}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private AiText() {}

    /** Signal a reply that does not fit what was asked for; the message names the problem, never the content. */
    public static final class InvalidReply extends RuntimeException {

        /** Create one; {@code problem} must not quote the reply. */
        public InvalidReply(String problem) {
            super(problem, null, false, false);
        }
    }

    /** Return the hash of everything a chat request sends: the key its answer is remembered under. */
    public static String hash(ChatRequest request) {
        List<String> parts = new ArrayList<>();
        parts.add(request.task().name());
        parts.add(Boolean.toString(request.json()));
        parts.add(Integer.toString(request.maxOutputTokens()));
        for (ChatRequest.Message m : request.messages()) {
            parts.add(m.role());
            parts.add(m.text());
            for (byte[] png : m.pngImages()) {
                parts.add(AiCache.sha256(png));
            }
        }
        return AiCache.sha256(parts.toArray(String[]::new));
    }

    /**
     * Return a reply's JSON object, read with {@code json}.
     *
     * @throws InvalidReply when the reply is not JSON or not an object
     */
    public static JsonNode readObject(JsonMapper json, String content) {
        JsonNode root;
        try {
            root = json.readTree(content);
        } catch (JacksonException e) {
            throw new InvalidReply("reply is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidReply("reply is not a JSON object");
        }
        return root;
    }

    /**
     * Return {@code raw} without control and bidi characters and with tidy whitespace (one line, or with
     * {@code multiline} lines kept and at most one blank line in a row), cut to {@code max} characters with an
     * ellipsis; empty when nothing is left.
     */
    public static Optional<String> clean(String raw, int max, boolean multiline) {
        String s = UNWANTED.matcher(raw).replaceAll("");
        if (multiline) {
            s = LINE_BREAK.matcher(SPACES.matcher(s).replaceAll(" ")).replaceAll("\n");
            s = BLANK_LINES.matcher(s).replaceAll("\n\n");
        } else {
            s = WHITESPACE.matcher(s).replaceAll(" ");
        }
        s = s.strip();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.length() > max) {
            int end = max - 1;
            if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
                end--;
            }
            s = s.substring(0, end).stripTrailing() + "…";
        }
        return Optional.of(s);
    }
}
