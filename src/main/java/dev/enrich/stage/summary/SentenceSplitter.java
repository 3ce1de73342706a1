package dev.enrich.stage.summary;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Split text into sentences with {@link BreakIterator} ({@link Locale#ENGLISH}).
 *
 * <p>{@link BreakIterator} ignores line ends, so notes are first read line by line: a blank line, a list item or a
 * heading starts a new paragraph; a line that starts in lower case after one that did not end a sentence continues
 * it (hard-wrapped prose). Headings (Markdown {@code #} lines, short lines ending in a colon) are not sentences, but an
 * "Action items", "TODO" or "Next steps" heading marks the lines under it as tasks, until the next heading or a
 * non-list paragraph after a blank line. Sentences longer than {@value #MAX_CHARS} characters (unpunctuated text) are
 * cut at spaces.
 */
final class SentenceSplitter {

    static final int MAX_CHARS = 300;

    private static final Pattern BULLET = Pattern.compile("^(?:[-*+•‣◦▪–]|\\d{1,3}[.)])\\s+");
    private static final Pattern CHECKBOX = Pattern.compile("^\\[([ xX])]\\s*");
    private static final Pattern MD_HEADING = Pattern.compile("^#{1,6}\\s+");
    private static final Pattern TASK_HEADING = Pattern.compile(
            "(?i)\\b(?:action items?|to ?dos?|to-dos?|next steps?|follow[- ]?ups?|tasks?)\\b");
    private static final Pattern EMPHASIS = Pattern.compile("\\*\\*|__");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    private final BreakIterator breaks = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    private final List<Sentence> out = new ArrayList<>();
    private final StringBuilder paragraph = new StringBuilder();
    private boolean paragraphTask;
    private boolean taskSection;
    private boolean afterBlank;
    private @Nullable String firstHeading;

    /** Add prose whose line ends carry no meaning (a transcript, a caption). */
    void prose(String text) {
        split(text, false);
    }

    /** Add notes, reading their lines, lists and headings as described above. */
    void notes(String text) {
        for (String raw : text.split("\r\n|\r|\n", -1)) {
            String line = EMPHASIS.matcher(raw).replaceAll("").strip();
            if (line.isEmpty()) {
                flush();
                afterBlank = true;
                continue;
            }
            line(line);
            afterBlank = false;
        }
        flush();
        taskSection = false;
    }

    /** Return the sentences added so far, in order. */
    List<Sentence> sentences() {
        return out;
    }

    /** Return the text of the first Markdown heading in the notes, if any. */
    @Nullable String firstHeading() {
        return firstHeading;
    }

    private void line(String line) {
        Matcher md = MD_HEADING.matcher(line);
        boolean markdown = md.find();
        if (markdown || (line.endsWith(":") && words(line) <= 6)) {
            flush();
            String heading = markdown ? line.substring(md.end()).strip() : line;
            if (markdown && firstHeading == null && !heading.isEmpty()) {
                firstHeading = heading;
            }
            taskSection = TASK_HEADING.matcher(heading).find();
            return;
        }
        Matcher bullet = BULLET.matcher(line);
        if (bullet.find()) {
            flush();
            String item = line.substring(bullet.end());
            Matcher box = CHECKBOX.matcher(item);
            boolean checkbox = box.find();
            boolean open = checkbox && box.group(1).equals(" ");
            paragraph.append(checkbox ? item.substring(box.end()) : item);
            paragraphTask = open || (taskSection && !checkbox);
            return;
        }
        if (afterBlank) {
            taskSection = false;
        }
        if (!paragraph.isEmpty() && !endsSentence(paragraph) && Character.isLowerCase(line.codePointAt(0))) {
            paragraph.append(' ').append(line);
            return;
        }
        flush();
        paragraph.append(line);
        paragraphTask = taskSection;
    }

    private void flush() {
        if (!paragraph.isEmpty()) {
            split(paragraph.toString(), paragraphTask);
            paragraph.setLength(0);
        }
        paragraphTask = false;
    }

    private void split(String text, boolean task) {
        breaks.setText(text);
        for (int start = breaks.first(), end = breaks.next(); end != BreakIterator.DONE; start = end, end = breaks.next()) {
            String sentence = SPACE.matcher(text.substring(start, end)).replaceAll(" ").strip();
            while (sentence.length() > MAX_CHARS) {
                int cut = cutAt(sentence);
                add(sentence.substring(0, cut), task);
                sentence = sentence.substring(cut).strip();
            }
            add(sentence, task);
        }
    }

    private void add(String sentence, boolean task) {
        String s = sentence.strip();
        if (s.codePoints().anyMatch(Character::isLetterOrDigit)) {
            out.add(new Sentence(s, task));
        }
    }

    /** Return where to cut an over-long sentence: the last space within the limit, else the limit itself. */
    private static int cutAt(String s) {
        int space = s.lastIndexOf(' ', MAX_CHARS);
        if (space > MAX_CHARS / 2) {
            return space;
        }
        return Character.isHighSurrogate(s.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
    }

    private static boolean endsSentence(CharSequence s) {
        char last = s.charAt(s.length() - 1);
        return ".!?:;…".indexOf(last) >= 0;
    }

    private static int words(String s) {
        return SPACE.split(s.strip()).length;
    }
}
