package dev.enrich.stage.summary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.enrich.stage.ai.AiText;
import dev.enrich.stage.ai.AiText.InvalidReply;
import tools.jackson.databind.JsonNode;

/**
 * Read an AI summary reply, which is untrusted input: it must be a JSON object with a non-blank string
 * {@code summary}; {@code title} must be a string and {@code highlights}, {@code actionItems} and {@code keywords}
 * arrays of strings when present. Strings are cleaned with {@link AiText#clean} and capped, lists capped and
 * deduplicated. The text is not HTML-safe: whoever renders it escapes it.
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

    private AiSummaryReply() {}

    /**
     * Return the fields of a valid reply: {@code summary}, and {@code title}, {@code highlights},
     * {@code actionItems}, {@code keywords} when given and not empty.
     *
     * @throws InvalidReply when the reply does not fit the schema
     */
    static Map<String, Object> parse(String content) {
        JsonNode root = AiText.readObject(content);
        Map<String, Object> out = new LinkedHashMap<>();
        text(root, "title", MAX_TITLE, false).ifPresent(t -> out.put("title", t));
        out.put("summary", text(root, "summary", MAX_SUMMARY, true)
                .orElseThrow(() -> new InvalidReply("reply has no summary")));
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
            throw new InvalidReply(key + " is not a string");
        }
        return AiText.clean(node.stringValue(), max, multiline);
    }

    private static void list(JsonNode root, String key, int maxItems, int maxLength, Map<String, Object> out) {
        JsonNode node = root.path(key);
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isArray()) {
            throw new InvalidReply(key + " is not an array");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isString()) {
                throw new InvalidReply(key + " holds something other than strings");
            }
            if (items.size() < maxItems) {
                AiText.clean(item.stringValue(), maxLength, false).filter(s -> !items.contains(s))
                        .ifPresent(items::add);
            }
        }
        if (!items.isEmpty()) {
            out.put(key, List.copyOf(items));
        }
    }
}
