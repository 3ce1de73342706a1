package dev.enrich.transcript;

import dev.enrich.model.TranscriptSegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Hold a parsed transcript: its source format and its segments in order. Immutable.
 *
 * @param format what the text was recognised as
 * @param segments the cues, text with markup removed (timed for WebVTT and SRT, rounded to milliseconds; one untimed
 *     segment for plain text, with its line ends); empty when nothing usable was found
 */
public record Transcript(Format format, List<TranscriptSegment> segments) {

    public Transcript {
        segments = List.copyOf(segments);
    }

    /** Name the formats a transcript is recognised as. */
    public enum Format {
        WEBVTT,
        SRT,
        PLAIN
    }

    /** Return the text of all segments joined with single spaces (for plain text: the text itself). */
    public String plainText() {
        StringBuilder b = new StringBuilder();
        for (TranscriptSegment s : segments) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(s.text());
        }
        return b.toString();
    }

    /** Return true when no segment carries text. */
    public boolean isEmpty() {
        return segments.isEmpty();
    }

    /**
     * Return the transcript of {@code segments} as a result carries them: {@link Format#PLAIN} when no segment is
     * timed, {@link Format#WEBVTT} otherwise; blank segments are left out.
     */
    public static Transcript of(List<TranscriptSegment> segments) {
        List<TranscriptSegment> out = new ArrayList<>();
        boolean timed = false;
        for (TranscriptSegment s : segments) {
            if (!s.text().isBlank()) {
                timed |= s.start() != null || s.end() != null;
                out.add(new TranscriptSegment(s.start(), s.end(), s.text().strip()));
            }
        }
        return new Transcript(timed ? Format.WEBVTT : Format.PLAIN, out);
    }
}
