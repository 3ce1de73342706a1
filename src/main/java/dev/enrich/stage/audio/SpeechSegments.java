package dev.enrich.stage.audio;

import dev.enrich.model.TimeSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * Turn raw speech spans into segments: bridge pauses shorter than the minimum silence, drop segments shorter than the
 * minimum speech, and total speech time and the longest pause over all segments while keeping at most
 * {@code capacity} of them.
 */
final class SpeechSegments {

    private final double minSpeech;
    private final double minSilence;
    private final double[] starts;
    private final double[] ends;
    private int kept;
    private long count;
    private double speechSeconds;
    private double longestPause;
    private double lastEnd;
    private boolean pending;
    private double pendingStart;
    private double pendingEnd;

    SpeechSegments(AudioSettings settings, int capacity) {
        this.minSpeech = settings.minSpeechMs() / 1000.0;
        this.minSilence = settings.minSilenceMs() / 1000.0;
        this.starts = new double[capacity];
        this.ends = new double[capacity];
    }

    /** Add a raw span; spans arrive in time order and do not overlap. */
    void add(double start, double end) {
        if (pending && start - pendingEnd < minSilence) {
            pendingEnd = end;
            return;
        }
        flush();
        pending = true;
        pendingStart = start;
        pendingEnd = end;
    }

    /** Close the span in progress; call once after the last {@link #add}. */
    void flush() {
        if (pending && pendingEnd - pendingStart >= minSpeech) {
            keep(pendingStart, pendingEnd);
        }
        pending = false;
    }

    private void keep(double start, double end) {
        if (count > 0) {
            longestPause = Math.max(longestPause, start - lastEnd);
        }
        if (kept < starts.length) {
            starts[kept] = start;
            ends[kept] = end;
            kept++;
        }
        count++;
        speechSeconds += end - start;
        lastEnd = end;
    }

    /** Return the total length of all segments in seconds. */
    double speechSeconds() {
        return speechSeconds;
    }

    /** Return the longest pause between two segments in seconds (0 with fewer than two segments). */
    double longestPause() {
        return longestPause;
    }

    /** Return true when there were more segments than the capacity. */
    boolean truncated() {
        return count > kept;
    }

    /** Return the kept segments, in seconds rounded to milliseconds. */
    List<TimeSpan> toList() {
        List<TimeSpan> out = new ArrayList<>(kept);
        for (int i = 0; i < kept; i++) {
            out.add(new TimeSpan(Levels.round(starts[i], 3), Levels.round(ends[i], 3)));
        }
        return out;
    }
}
