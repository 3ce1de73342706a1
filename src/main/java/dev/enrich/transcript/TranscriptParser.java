package dev.enrich.transcript;

import dev.enrich.model.TranscriptSegment;
import dev.enrich.transcript.Transcript.Format;
import java.util.List;

/**
 * Parse an uploaded transcript, recognising its format by content: WebVTT when it starts with {@code WEBVTT}, SRT
 * when it opens with a numbered or bare cue timing line, plain text otherwise.
 *
 * <p>Lenient by design: a byte order mark, CRLF or CR line ends, extra blank lines, cue settings, comments
 * ({@code NOTE}, {@code STYLE}, {@code REGION}) and markup ({@code <v Speaker>}, {@code <i>}, {@code {\an8}},
 * entities) are handled; a cue whose timing is malformed or runs backwards is skipped. It never throws on user text.
 */
public final class TranscriptParser {

    private TranscriptParser() {}

    /**
     * Parse {@code raw} into a transcript.
     *
     * @return the segments found; for plain text one untimed segment holding the stripped text with line ends
     *     normalised to {@code \n}; no segments when nothing usable is left
     */
    public static Transcript parse(String raw) {
        String text = normalise(raw);
        if (isWebVtt(text)) {
            return new Transcript(Format.WEBVTT, CueParser.parse(text, true));
        }
        if (looksLikeSrt(text)) {
            return new Transcript(Format.SRT, CueParser.parse(text, false));
        }
        String plain = text.strip();
        return new Transcript(Format.PLAIN,
                plain.isEmpty() ? List.of() : List.of(new TranscriptSegment(null, null, plain)));
    }

    private static String normalise(String raw) {
        String text = raw.startsWith("\uFEFF") ? raw.substring(1) : raw;
        return text.replace("\r\n", "\n").replace('\r', '\n').replace("\u0000", "");
    }

    private static boolean isWebVtt(String text) {
        return text.startsWith("WEBVTT") && (text.length() == 6 || Character.isWhitespace(text.charAt(6)));
    }

    /** Return true when the first non-blank line is a timing line, or a cue number followed by one. */
    private static boolean looksLikeSrt(String text) {
        String first = null;
        int from = 0;
        while (from <= text.length()) {
            int nl = text.indexOf('\n', from);
            String line = (nl < 0 ? text.substring(from) : text.substring(from, nl)).strip();
            from = nl < 0 ? text.length() + 1 : nl + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (first != null) {
                return line.contains("-->");
            }
            if (line.contains("-->")) {
                return true;
            }
            if (!CueParser.isCueNumber(line)) {
                return false;
            }
            first = line;
        }
        return false;
    }
}
