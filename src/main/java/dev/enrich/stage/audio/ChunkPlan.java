package dev.enrich.stage.audio;

import java.util.ArrayList;
import java.util.List;

/**
 * Plan where to cut a recording into chunks of at most a given number of frames: in the middle of the latest pause
 * between speech segments that fits (or at the limit, inside a pause running past it), or, when no pause of at least
 * {@link #MIN_PAUSE_SECONDS} fits, a hard cut at the limit. Chunks cover the recording without gaps; each says whether speech falls into it.
 */
final class ChunkPlan {

    /** Shorter gaps between segments are not worth cutting in. */
    static final double MIN_PAUSE_SECONDS = 0.2;

    /**
     * Describe one planned chunk, in frames of the written audio.
     *
     * @param startFrame first frame
     * @param endFrame frame after the last
     * @param speech true when a speech segment overlaps the chunk, or when speech is unknown there
     */
    record Chunk(long startFrame, long endFrame, boolean speech) {

        /** Return the number of frames. */
        long frames() {
            return endFrame - startFrame;
        }
    }

    private ChunkPlan() {}

    /**
     * Plan the chunks.
     *
     * @param speech speech segments as {start, end} seconds, in order, not overlapping
     * @param knownUntil seconds up to which {@code speech} lists every segment (the total length, or the end of the
     *     last listed segment when the list was cut short); later audio counts as speech and is cut hard
     * @param totalFrames frames in the recording
     * @param rate frames per second
     * @param maxFrames the most frames of a chunk, > 0
     */
    static List<Chunk> plan(List<double[]> speech, double knownUntil, long totalFrames, int rate, long maxFrames) {
        if (maxFrames <= 0) {
            throw new IllegalArgumentException("maxFrames must be > 0, but was " + maxFrames);
        }
        List<long[]> pauses = pauses(speech, knownUntil, rate);
        long known = Math.round(knownUntil * rate);
        long margin = Math.round(MIN_PAUSE_SECONDS / 2 * rate);
        List<Chunk> chunks = new ArrayList<>();
        long cursor = 0;
        while (cursor < totalFrames) {
            long limit = cursor + maxFrames;
            long end = limit >= totalFrames ? totalFrames : cutBefore(pauses, cursor, limit, margin);
            chunks.add(new Chunk(cursor, end, end > known || overlapsSpeech(speech, cursor, end, rate)));
            cursor = end;
        }
        return chunks;
    }

    /**
     * Return the latest cut in (cursor, limit] inside a pause: its middle, or the limit when the pause runs past it
     * and the limit is at least half the shortest pause away from the speech before. Else return {@code limit}.
     */
    private static long cutBefore(List<long[]> pauses, long cursor, long limit, long margin) {
        long best = limit;
        boolean found = false;
        for (long[] p : pauses) {
            if (p[0] >= limit) {
                break;
            }
            if (p[1] <= cursor) {
                continue;
            }
            long cut = Math.min((p[0] + p[1]) / 2, limit);
            if (cut > cursor && cut - p[0] >= margin) {
                best = found ? Math.max(best, cut) : cut;
                found = true;
            }
        }
        return best;
    }

    private static List<long[]> pauses(List<double[]> speech, double knownUntil, int rate) {
        List<long[]> pauses = new ArrayList<>();
        double previousEnd = 0;
        for (double[] s : speech) {
            addPause(pauses, previousEnd, s[0], rate);
            previousEnd = Math.max(previousEnd, s[1]);
        }
        addPause(pauses, previousEnd, knownUntil, rate);
        return pauses;
    }

    private static void addPause(List<long[]> pauses, double from, double to, int rate) {
        if (to - from >= MIN_PAUSE_SECONDS) {
            pauses.add(new long[] {Math.round(from * rate), Math.round(to * rate)});
        }
    }

    private static boolean overlapsSpeech(List<double[]> speech, long start, long end, int rate) {
        for (double[] s : speech) {
            if (Math.round(s[0] * rate) < end && Math.round(s[1] * rate) > start) {
                return true;
            }
        }
        return false;
    }
}
