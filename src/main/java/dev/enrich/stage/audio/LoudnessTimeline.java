package dev.enrich.stage.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collect RMS loudness per bin of whole seconds in fixed memory: at most {@code capacity} bins. When the bins run
 * out, neighbours are merged and each bin covers twice as many seconds.
 */
final class LoudnessTimeline {

    private final double[] sums;
    private final long[] counts;
    private final long framesPerSecond;
    private int stepSeconds;
    private long binFrames;
    private long framesLeft;
    private int index;

    /**
     * @param capacity the most bins kept (even, >= 2)
     * @param framesPerSecond sample frames per second
     * @param expectedFrames the length the header declares, used to pick the bin width up front; -1 when unknown
     */
    LoudnessTimeline(int capacity, long framesPerSecond, long expectedFrames) {
        this.sums = new double[capacity];
        this.counts = new long[capacity];
        this.framesPerSecond = framesPerSecond;
        long seconds = expectedFrames > 0 ? (expectedFrames + framesPerSecond - 1) / framesPerSecond : 0;
        this.stepSeconds = (int) Math.max(1, (seconds + capacity - 1) / capacity);
        this.binFrames = stepSeconds * framesPerSecond;
        this.framesLeft = binFrames;
    }

    /** Return how many frames fit in the current bin; callers never add more than this at once. */
    long framesLeft() {
        return framesLeft;
    }

    /** Add {@code frames} frames holding {@code samples} samples whose squares sum to {@code sumSquares}. */
    void add(double sumSquares, int samples, int frames) {
        sums[index] += sumSquares;
        counts[index] += samples;
        framesLeft -= frames;
        if (framesLeft == 0) {
            if (index == sums.length - 1) {
                halve();
            } else {
                index++;
            }
            framesLeft = binFrames;
        }
    }

    private void halve() {
        int half = sums.length / 2;
        for (int i = 0; i < half; i++) {
            sums[i] = sums[2 * i] + sums[2 * i + 1];
            counts[i] = counts[2 * i] + counts[2 * i + 1];
        }
        Arrays.fill(sums, half, sums.length, 0);
        Arrays.fill(counts, half, counts.length, 0);
        index = half;
        stepSeconds *= 2;
        binFrames = stepSeconds * framesPerSecond;
    }

    /** Return the seconds each point covers. */
    int stepSeconds() {
        return stepSeconds;
    }

    /** Return RMS dBFS per bin, the last one possibly partial. */
    List<Double> points() {
        int n = counts[index] > 0 ? index + 1 : index;
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Levels.dbfs(Math.sqrt(sums[i] / counts[i])));
        }
        return out;
    }
}
