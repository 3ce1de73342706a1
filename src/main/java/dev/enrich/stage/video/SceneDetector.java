package dev.enrich.stage.video;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Decide which frame-to-frame distances are scene changes, with a threshold that adapts to the content: a distance
 * is a cut when it exceeds both an absolute floor and {@code median + k·MAD} of the recent distances, and the
 * distance before it was no cut. Static content (a blinking cursor) never reaches the floor; steadily moving content
 * (scrolling, video) raises the median and its spread, so only a jump well above its usual motion counts. Median and
 * MAD shrug off the odd cut; a switch from still to sustained motion counts once, then the threshold catches up.
 */
final class SceneDetector {

    // Scales the median absolute deviation to a standard deviation for normally distributed noise.
    private static final double MAD_SCALE = 1.4826;

    private final double floor;
    private final double sensitivity;
    private final int history;
    private final ArrayDeque<Double> recent = new ArrayDeque<>();
    private boolean previousCut;

    SceneDetector(double floor, double sensitivity, int history) {
        this.floor = floor;
        this.sensitivity = sensitivity;
        this.history = history;
    }

    /** Return true when {@code distance} marks a scene change, and remember it. */
    boolean isCut(double distance) {
        boolean above = distance > threshold();
        boolean cut = above && !previousCut;
        previousCut = above;
        recent.addLast(distance);
        if (recent.size() > history) {
            recent.removeFirst();
        }
        return cut;
    }

    /** Return the current threshold: the floor until a few distances are known. */
    double threshold() {
        if (recent.size() < 3) {
            return floor;
        }
        double[] values = recent.stream().mapToDouble(Double::doubleValue).toArray();
        double median = median(values);
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.abs(values[i] - median);
        }
        return Math.max(floor, median + sensitivity * MAD_SCALE * median(values));
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
