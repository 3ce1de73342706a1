package dev.enrich.stage.summary;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hold a finished summary and write it in the stage contract's shape.
 *
 * @param title suggested title
 * @param summary the summary text
 * @param highlights the top sentences in text order (facts lines for a structural summary)
 * @param keywords top terms, best first
 * @param actionItems action items in text order
 * @param source {@value #TEXT} or {@value #STRUCTURE}
 * @param sentences sentences in the text (0 for a structural summary)
 * @param ranked sentences that entered the TextRank graph
 */
record Summary(
        String title,
        String summary,
        List<String> highlights,
        List<String> keywords,
        ActionItems.Found actionItems,
        String source,
        int sentences,
        int ranked) {

    static final String TEXT = "text";
    static final String STRUCTURE = "structure";

    Summary(String title, String summary, List<String> highlights, List<String> keywords, ActionItems.Found items,
            String source) {
        this(title, summary, highlights, keywords, items, source, 0, 0);
    }

    Summary {
        highlights = List.copyOf(highlights);
        keywords = List.copyOf(keywords);
    }

    /**
     * Return the contract's data map: title, summary, highlights, keywords, actionItems, source; plus
     * {@code actionItemsTruncated} when items were left out, and {@code sentences} / {@code rankedSentences} when only
     * part of a long text entered the ranking graph.
     */
    Map<String, Object> toData() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("title", title);
        out.put("summary", summary);
        out.put("highlights", highlights);
        out.put("keywords", keywords);
        out.put("actionItems", actionItems.items());
        out.put("source", source);
        if (actionItems.truncated()) {
            out.put("actionItemsTruncated", true);
        }
        if (ranked < sentences) {
            out.put("sentences", sentences);
            out.put("rankedSentences", ranked);
        }
        return out;
    }
}
