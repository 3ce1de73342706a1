package dev.enrich.stage.video;

import java.util.ArrayList;
import java.util.List;

/**
 * Score detected scene cuts against labelled ones: each labelled cut matches at most one detected cut within the
 * tolerance and the other way round (closest pairs first), so two detections of one cut count one true and one false
 * positive.
 *
 * @param truePositives detected cuts matched to a labelled cut
 * @param falsePositives detected cuts matching none
 * @param falseNegatives labelled cuts matching none
 */
record CutScore(int truePositives, int falsePositives, int falseNegatives) {

    /** Match {@code detected} to {@code labelled} one-to-one within {@code tolerance} seconds. */
    static CutScore of(List<Double> labelled, List<Double> detected, double tolerance) {
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < labelled.size(); i++) {
            for (int j = 0; j < detected.size(); j++) {
                double gap = Math.abs(labelled.get(i) - detected.get(j));
                if (gap <= tolerance + 1e-9) {
                    pairs.add(new double[] {gap, i, j});
                }
            }
        }
        pairs.sort((a, b) -> Double.compare(a[0], b[0]));
        boolean[] usedLabel = new boolean[labelled.size()];
        boolean[] usedDetection = new boolean[detected.size()];
        int matched = 0;
        for (double[] p : pairs) {
            int i = (int) p[1];
            int j = (int) p[2];
            if (!usedLabel[i] && !usedDetection[j]) {
                usedLabel[i] = true;
                usedDetection[j] = true;
                matched++;
            }
        }
        return new CutScore(matched, detected.size() - matched, labelled.size() - matched);
    }

    /** Return the sum of both scores' counts. */
    CutScore plus(CutScore other) {
        return new CutScore(truePositives + other.truePositives, falsePositives + other.falsePositives,
                falseNegatives + other.falseNegatives);
    }

    /** Return TP / (TP + FP); 1 when nothing was detected. */
    double precision() {
        int detected = truePositives + falsePositives;
        return detected == 0 ? 1 : truePositives / (double) detected;
    }

    /** Return TP / (TP + FN); 1 when nothing was labelled. */
    double recall() {
        int labelled = truePositives + falseNegatives;
        return labelled == 0 ? 1 : truePositives / (double) labelled;
    }
}
