package dev.enrich.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Hold the summary of a session: a title, a short text, highlights, keywords and action items.
 *
 * @param title a suggested title
 * @param summary the summary text
 * @param highlights the most important sentences in text order (for a structural summary: one line per medium)
 * @param keywords topic words, best first
 * @param actionItems tasks someone agreed to do, in text order
 * @param source what the summary was made from
 * @param actionItemsTruncated true when action items were left out (JSON: only when true)
 * @param sentences sentences in the text, when only part of a long text was ranked; else null
 * @param rankedSentences sentences that were ranked, when fewer than {@code sentences}; else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionSummary(
        String title,
        String summary,
        List<String> highlights,
        List<String> keywords,
        List<String> actionItems,
        Source source,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean actionItemsTruncated,
        @Nullable Integer sentences,
        @Nullable Integer rankedSentences) implements StageOutput {

    /** Name what a summary was made from. */
    public enum Source {
        /** The session's text: transcript, notes and frame captions. */
        @JsonProperty("text")
        TEXT,
        /** The audio and video facts alone, for a session without text. */
        @JsonProperty("structure")
        STRUCTURE
    }

    public SessionSummary {
        highlights = Lists.copy(highlights);
        keywords = Lists.copy(keywords);
        actionItems = Lists.copy(actionItems);
    }
}
