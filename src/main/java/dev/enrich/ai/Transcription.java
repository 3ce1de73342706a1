package dev.enrich.ai;

import java.util.List;

/**
 * Hold a transcription: full text and timed segments.
 *
 * @param text the whole text
 * @param segments timed segments, seconds from the start of the whole recording
 * @param audioSeconds seconds of audio sent (what transcription is priced by)
 */
public record Transcription(String text, List<Segment> segments, double audioSeconds) {

    public Transcription {
        segments = List.copyOf(segments);
    }

    /** Hold one timed piece of text. */
    public record Segment(double start, double end, String text) {}
}
