package dev.enrich.stage.summary;

import java.util.Arrays;

/**
 * Rank sentences with TextRank: PageRank over the graph whose edge weights are the cosine similarities of their TF-IDF
 * vectors. Scores follow {@code S(i) = (1 - d) + d * sum_j w(j, i) / out(j) * S(j)} with damping {@code d = 0.85},
 * iterated until no score moves more than {@value #EPSILON} or {@value #MAX_ITERATIONS} rounds have run.
 */
final class TextRank {

    static final double DAMPING = 0.85;
    static final double EPSILON = 1e-6;
    static final int MAX_ITERATIONS = 200;

    private TextRank() {}

    /**
     * Return the score of each node; {@code nodes} are sentence indexes into {@code tfIdf}. Quadratic in the number of
     * nodes: callers cap it.
     */
    static double[] rank(TfIdf tfIdf, int[] nodes) {
        int n = nodes.length;
        double[][] w = new double[n][n];
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double sim = tfIdf.cosine(nodes[i], nodes[j]);
                w[i][j] = sim;
                w[j][i] = sim;
                out[i] += sim;
                out[j] += sim;
            }
        }
        // Normalise each row once: p[j][i] is the share of j's vote that goes to i.
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n && out[j] > 0; i++) {
                w[j][i] /= out[j];
            }
        }
        double[] score = new double[n];
        double[] next = new double[n];
        Arrays.fill(score, 1.0);
        for (int round = 0; round < MAX_ITERATIONS; round++) {
            double delta = 0;
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += w[j][i] * score[j];
                }
                next[i] = (1 - DAMPING) + DAMPING * sum;
                delta = Math.max(delta, Math.abs(next[i] - score[i]));
            }
            double[] swap = score;
            score = next;
            next = swap;
            if (delta < EPSILON) {
                break;
            }
        }
        return score;
    }
}
