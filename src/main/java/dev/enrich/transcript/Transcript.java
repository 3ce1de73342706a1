package dev.enrich.transcript;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Hold a parsed transcript: its source format and its segments in order. Immutable.
 *
 * @param format what the text was recognised as
 * @param segments the cues (timed for WebVTT and SRT; one untimed segment for plain text); empty when nothing usable
 *     was found
 */
public record Transcript(Format format, List<Segment> segments) {

    public Transcript {
        segments = List.copyOf(segments);
    }

    /** Name the formats a transcript is recognised as. */
    public enum Format {
        WEBVTT,
        SRT,
        PLAIN
    }

    /**
     * Hold one cue: its text with markup removed, and its times in seconds when the format has them.
     *
     * @param start seconds from the start, rounded to milliseconds, or null when untimed
     * @param end seconds from the start, rounded to milliseconds, or null when untimed
     * @param text the text, never blank: a cue's lines joined with a space, or plain text with its line ends
     */
    public record Segment(@Nullable Double start, @Nullable Double end, String text) {}

    /** Return the text of all segments joined with single spaces (for plain text: the text itself). */
    public String plainText() {
        StringBuilder b = new StringBuilder();
        for (Segment s : segments) {
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
     * Return the segments in the JSON-ready shape stages exchange: a list of {@code {start?, end?, text}} maps, with
     * {@code start} and {@code end} omitted when untimed.
     */
    public List<Map<String, Object>> toData() {
        List<Map<String, Object>> out = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (s.start() != null) {
                m.put("start", s.start());
            }
            if (s.end() != null) {
                m.put("end", s.end());
            }
            m.put("text", s.text());
            out.add(m);
        }
        return out;
    }

    /**
     * Read segments back from the shape {@link #toData()} writes, tolerating anything else: entries that are not maps
     * or lack a non-blank {@code text} are skipped, non-numeric times are treated as absent. The format is
     * {@link Format#PLAIN} when no segment is timed, {@link Format#WEBVTT} otherwise.
     */
    public static Transcript fromData(@Nullable Object data) {
        List<Segment> out = new ArrayList<>();
        boolean timed = false;
        if (data instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> m && m.get("text") instanceof String text && !text.isBlank()) {
                    Double start = m.get("start") instanceof Number n ? n.doubleValue() : null;
                    Double end = m.get("end") instanceof Number n ? n.doubleValue() : null;
                    timed |= start != null || end != null;
                    out.add(new Segment(start, end, text.strip()));
                }
            }
        }
        return new Transcript(timed ? Format.WEBVTT : Format.PLAIN, out);
    }
}
