package dev.enrich.stage.summary;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Find action items: sentences marked as tasks by the layout, or carrying a cue phrase ("TODO", "to do:", "we need
 * to", "we should", "next step", "action item", "I'll", "I will", "let's", "follow up", "make sure") or a deadline
 * ("deadline", "due by", "ASAP", "by Friday", "before the end of the week"). Each is the sentence as written, in text
 * order, without repeats (compared case- and whitespace-insensitively, ignoring end punctuation).
 */
final class ActionItems {

    private static final String DAY = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight"
            + "|today|eod|eow|noon|end of (?:the )?(?:day|week|month|sprint|quarter|year)|next (?:week|month|sprint))";

    private static final Pattern CUE = Pattern.compile("\\btodo\\b|\\bto[ -]?dos?:|\\bwe need to\\b|\\bwe should\\b"
            + "|\\bnext steps?\\b|\\baction items?\\b|\\bi'll\\b|\\bi will\\b|\\blet's\\b|\\bfollow[ -]?up\\b"
            + "|\\bmake sure\\b|\\bdeadline\\b|\\bdue (?:by|on|date)\\b|\\basap\\b|\\bno later than\\b"
            + "|\\b(?:by|before|until) (?:the )?" + DAY + "\\b", Pattern.CASE_INSENSITIVE);

    private static final Pattern END = Pattern.compile("[\\s.!;:,…]+$");

    private ActionItems() {}

    /** Return true when {@code sentence} reads as an action item. */
    static boolean isActionItem(Sentence sentence) {
        return sentence.task() || CUE.matcher(sentence.text().replace('\u2019', '\'')).find();
    }

    /**
     * Return the action items among {@code sentences}, at most {@code limit} of them.
     *
     * @return the items, plus {@code truncated} when more were found than kept
     */
    static Found find(List<Sentence> sentences, int limit) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Sentence s : sentences) {
            if (isActionItem(s) && seen.add(key(s.text()))) {
                if (out.size() == limit) {
                    return new Found(out, true);
                }
                out.add(s.text());
            }
        }
        return new Found(out, false);
    }

    private static String key(String text) {
        return END.matcher(text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ")).replaceAll("");
    }

    /** Hold the action items found and whether some were left out. */
    record Found(List<String> items, boolean truncated) {

        static final Found NONE = new Found(List.of(), false);

        Found {
            items = List.copyOf(items);
        }
    }
}
