package dev.enrich.stage.summary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Read an AI summary reply, which is untrusted input: it must be a JSON object with a non-blank string
 * {@code summary}; {@code title} must be a string and {@code highlights}, {@code actionItems} and {@code keywords}
 * arrays of strings when present. Control and bidi characters are removed, whitespace is tidied, strings and lists
 * are capped. The text is not HTML-safe: whoever renders it escapes it.
 */
final class AiSummaryReply {

    static final int MAX_TITLE = 120;
    static final int MAX_SUMMARY = 2_000;
    static final int MAX_HIGHLIGHTS = 10;
    static final int MAX_HIGHLIGHT = 400;
    static final int MAX_ACTION_ITEMS = 20;
    static final int MAX_ACTION_ITEM = 300;
    static final int MAX_KEYWORDS = 12;
    static final int MAX_KEYWORD = 60;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Control characters other than newline, and the invisible bidi overrides and isolates. */
    private static final Pattern UNWANTED = Pattern.compile("[\\p{Cc}&&[^\\n\\t]]|[\\u202A-\\u202E\\u2066-\\u2069]");
    private static final Pattern SPACES = Pattern.compile("[\\s&&[^\\n]]+");
    private static final Pattern LINE_BREAK = Pattern.compile(" ?\\n ?");
    private static final Pattern BLANK_LINES = Pattern.compile("\\n{3,}");

    private AiSummaryReply() {}

    /** Signal a reply that does not fit the schema; the message names the problem, never the content. */
    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Return the fields of a valid reply: {@code summary}, and {@code title}, {@code highlights},
     * {@code actionItems}, {@code keywords} when given and not empty.
     *
     * @throws Invalid when the reply does not fit the schema
     */
    static Map<String, Object> parse(String content) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JacksonException e) {
            throw new Invalid("reply is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Invalid("reply is not a JSON object");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        text(root, "title", MAX_TITLE, false).ifPresent(t -> out.put("title", t));
        out.put("summary", text(root, "summary", MAX_SUMMARY, true)
                .orElseThrow(() -> new Invalid("reply has no summary")));
        list(root, "highlights", MAX_HIGHLIGHTS, MAX_HIGHLIGHT, out);
        list(root, "actionItems", MAX_ACTION_ITEMS, MAX_ACTION_ITEM, out);
        list(root, "keywords", MAX_KEYWORDS, MAX_KEYWORD, out);
        return Map.copyOf(out);
    }

    private static Optional<String> text(JsonNode root, String key, int max, boolean multiline) {
        JsonNode node = root.path(key);
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isString()) {
            throw new Invalid(key + " is not a string");
        }
        return clean(node.stringValue(), max, multiline);
    }

    private static void list(JsonNode root, String key, int maxItems, int maxLength, Map<String, Object> out) {
        JsonNode node = root.path(key);
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isArray()) {
            throw new Invalid(key + " is not an array");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isString()) {
                throw new Invalid(key + " holds something other than strings");
            }
            if (items.size() < maxItems) {
                clean(item.stringValue(), maxLength, false).filter(s -> !items.contains(s)).ifPresent(items::add);
            }
        }
        if (!items.isEmpty()) {
            out.put(key, List.copyOf(items));
        }
    }

    /** Return {@code raw} without unwanted characters, with tidy whitespace, cut to {@code max}; empty when blank. */
    static Optional<String> clean(String raw, int max, boolean multiline) {
        String s = UNWANTED.matcher(raw).replaceAll("");
        if (multiline) {
            s = LINE_BREAK.matcher(SPACES.matcher(s).replaceAll(" ")).replaceAll("\n");
            s = BLANK_LINES.matcher(s).replaceAll("\n\n");
        } else {
            s = s.replaceAll("\\s+", " ");
        }
        s = s.strip();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.length() > max) {
            int end = max - 1;
            if (Character.isHighSurrogate(s.charAt(end - 1))) {
                end--;
            }
            s = s.substring(0, end).stripTrailing() + "…";
        }
        return Optional.of(s);
    }
}
