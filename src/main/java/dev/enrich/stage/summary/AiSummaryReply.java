package dev.enrich.stage.summary;

import dev.enrich.model.SessionSummary;
import dev.enrich.stage.ai.AiText.InvalidReply;
import dev.enrich.stage.ai.AiText;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Hold a valid AI summary reply. Replies are untrusted input: one must be a JSON object with a non-blank string
 * {@code summary}; {@code title} must be a string and {@code highlights}, {@code actionItems} and {@code keywords}
 * arrays of strings when present. Strings are cleaned with {@link AiText#clean} and capped, lists capped and
 * deduplicated. The text is not HTML-safe: whoever renders it escapes it.
 *
 * @param title the title, or null when none was given
 * @param summary the summary text
 * @param highlights the highlights, empty when none were given
 * @param actionItems the action items, empty when none were given
 * @param keywords the keywords, empty when none were given
 */
record AiSummaryReply(@Nullable String title, String summary, List<String> highlights, List<String> actionItems,
        List<String> keywords) {

    static final int MAX_TITLE = 120;
    static final int MAX_SUMMARY = 2_000;
    static final int MAX_HIGHLIGHTS = 10;
    static final int MAX_HIGHLIGHT = 400;
    static final int MAX_ACTION_ITEMS = 20;
    static final int MAX_ACTION_ITEM = 300;
    static final int MAX_KEYWORDS = 12;
    static final int MAX_KEYWORD = 60;

    AiSummaryReply {
        highlights = List.copyOf(highlights);
        actionItems = List.copyOf(actionItems);
        keywords = List.copyOf(keywords);
    }

    /**
     * Read a reply's JSON object (see {@link AiText#readObject}).
     *
     * @throws InvalidReply when the reply does not fit the schema
     */
    static AiSummaryReply parse(JsonNode root) {
        return new AiSummaryReply(
                text(root, "title", MAX_TITLE, false).orElse(null),
                text(root, "summary", MAX_SUMMARY, true).orElseThrow(() -> new InvalidReply("reply has no summary")),
                list(root, "highlights", MAX_HIGHLIGHTS, MAX_HIGHLIGHT),
                list(root, "actionItems", MAX_ACTION_ITEMS, MAX_ACTION_ITEM),
                list(root, "keywords", MAX_KEYWORDS, MAX_KEYWORD));
    }

    /**
     * Return {@code local} with what this reply gives: the summary, and the title and lists when given. The source and
     * sentence counts stay; given action items replace the local ones, so they are no longer truncated.
     */
    SessionSummary applyTo(SessionSummary local) {
        return new SessionSummary(title != null ? title : local.title(), summary, or(highlights, local.highlights()),
                or(keywords, local.keywords()), or(actionItems, local.actionItems()), local.source(),
                actionItems.isEmpty() && local.actionItemsTruncated(), local.sentences(), local.rankedSentences());
    }

    private static List<String> or(List<String> given, List<String> local) {
        return given.isEmpty() ? local : given;
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

    private static List<String> list(JsonNode root, String key, int maxItems, int maxLength) {
        JsonNode node = root.path(key);
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
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
        return items;
    }
}
