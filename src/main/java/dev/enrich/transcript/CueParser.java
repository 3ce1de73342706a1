package dev.enrich.transcript;

import dev.enrich.model.TranscriptSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Read the cues of a WebVTT or SRT text, line by line, skipping what is malformed. */
final class CueParser {

    /** {@code [hours:]mm:ss[.fff]}; SRT writes a comma before the fraction, WebVTT a dot: both are accepted. */
    private static final Pattern TIME = Pattern.compile("(?:(\\d{1,6}):)?(\\d{1,2}):(\\d{1,2})(?:[.,](\\d{1,3}))?");

    private static final Pattern CUE_NUMBER = Pattern.compile("\\d{1,9}");

    private enum Mode {
        /** The WebVTT header block, up to the first blank line or timing line. */
        HEADER,
        /** Between blocks, or reading a cue identifier. */
        IDLE,
        /** Inside a NOTE, STYLE or REGION block. */
        COMMENT,
        /** Reading the text lines of a well-formed cue. */
        CUE,
        /** Inside a cue whose timing was malformed: its lines are dropped. */
        BROKEN
    }

    private final boolean vtt;
    private final List<TranscriptSegment> out = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private Mode mode;
    private long startMs;
    private long endMs;

    private CueParser(boolean vtt) {
        this.vtt = vtt;
        this.mode = vtt ? Mode.HEADER : Mode.IDLE;
    }

    /** Return the well-formed, non-empty cues of {@code text} (line ends already normalised to {@code \n}). */
    static List<TranscriptSegment> parse(String text, boolean vtt) {
        CueParser p = new CueParser(vtt);
        for (String line : text.split("\n", -1)) {
            p.line(line);
        }
        p.flush();
        return p.out;
    }

    /** Return true for an SRT cue number line. */
    static boolean isCueNumber(String line) {
        return CUE_NUMBER.matcher(line.strip()).matches();
    }

    private void line(String line) {
        if (line.isBlank()) {
            flush();
            mode = Mode.IDLE;
            return;
        }
        if (line.contains("-->")) {
            if (mode != Mode.COMMENT) {
                timing(line);
            }
            return;
        }
        switch (mode) {
            case CUE -> lines.add(line);
            case IDLE -> {
                if (vtt && isBlockKeyword(line)) {
                    mode = Mode.COMMENT;
                }
            }
            default -> {
                // header, comment and broken cue lines carry no cue text
            }
        }
    }

    private void timing(String line) {
        if (mode == Mode.CUE) {
            // A cue not followed by a blank line: its last line is the next cue's number, not its text.
            if (!lines.isEmpty() && isCueNumber(lines.get(lines.size() - 1))) {
                lines.remove(lines.size() - 1);
            }
            flush();
        }
        int arrow = line.indexOf("-->");
        String left = line.substring(0, arrow).strip();
        String right = line.substring(arrow + 3).strip();
        int settings = indexOfWhitespace(right);
        long start = millis(left);
        long end = millis(settings < 0 ? right : right.substring(0, settings));
        if (start < 0 || end < start) {
            mode = Mode.BROKEN;
            return;
        }
        startMs = start;
        endMs = end;
        mode = Mode.CUE;
    }

    private void flush() {
        if (mode == Mode.CUE) {
            String text = CueText.clean(lines);
            if (!text.isEmpty()) {
                out.add(new TranscriptSegment(startMs / 1000.0, endMs / 1000.0, text));
            }
            mode = Mode.IDLE;
        }
        lines.clear();
    }

    /** Return the time in milliseconds, or -1 when malformed. */
    private static long millis(String s) {
        Matcher m = TIME.matcher(s);
        if (!m.matches()) {
            return -1;
        }
        long hours = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        long minutes = Long.parseLong(m.group(2));
        long seconds = Long.parseLong(m.group(3));
        if (minutes > 59 || seconds > 59) {
            return -1;
        }
        String f = m.group(4);
        long fraction = f == null ? 0 : Long.parseLong((f + "00").substring(0, 3));
        return ((hours * 60 + minutes) * 60 + seconds) * 1000 + fraction;
    }

    private static boolean isBlockKeyword(String line) {
        for (String keyword : new String[] {"NOTE", "STYLE", "REGION"}) {
            if (line.startsWith(keyword)
                    && (line.length() == keyword.length() || Character.isWhitespace(line.charAt(keyword.length())))) {
                return true;
            }
        }
        return false;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
