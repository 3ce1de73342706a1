package dev.enrich.stage.summary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Weigh the terms of each sentence by TF-IDF, sentences being the documents: a sparse, unit-length vector per
 * sentence with {@code tf = 1 + ln(count)} and the smoothed {@code idf = ln((1 + n) / (1 + df)) + 1}.
 *
 * <p>Term ids follow first occurrence, so nothing depends on hash order. Building is linear in the text.
 */
final class TfIdf {

    private final List<String> terms = new ArrayList<>();
    private final List<Map<String, Integer>> surfaces = new ArrayList<>();
    private final int[][] ids;
    private final double[][] weights;
    private final double[] idf;
    private final int[] total;

    TfIdf(List<Sentence> sentences) {
        Map<String, Integer> index = new HashMap<>();
        int n = sentences.size();
        ids = new int[n][];
        weights = new double[n][];
        List<int[]> counts = new ArrayList<>(n);
        int[] buffer = new int[64];
        for (int s = 0; s < n; s++) {
            List<Integer> seen = new ArrayList<>();
            for (String word : Terms.words(sentences.get(s).text())) {
                String term = Terms.fold(word);
                Integer id = index.get(term);
                if (id == null) {
                    id = terms.size();
                    index.put(term, id);
                    terms.add(term);
                    surfaces.add(new HashMap<>());
                }
                surfaces.get(id).merge(word, 1, Integer::sum);
                if (id >= buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.max(id + 1, buffer.length * 2));
                }
                if (buffer[id]++ == 0) {
                    seen.add(id);
                }
            }
            int[] sentenceIds = seen.stream().mapToInt(Integer::intValue).sorted().toArray();
            int[] sentenceCounts = new int[sentenceIds.length];
            for (int k = 0; k < sentenceIds.length; k++) {
                sentenceCounts[k] = buffer[sentenceIds[k]];
                buffer[sentenceIds[k]] = 0;
            }
            ids[s] = sentenceIds;
            counts.add(sentenceCounts);
        }
        int[] df = new int[terms.size()];
        total = new int[terms.size()];
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < ids[s].length; k++) {
                df[ids[s][k]]++;
                total[ids[s][k]] += counts.get(s)[k];
            }
        }
        idf = new double[terms.size()];
        for (int t = 0; t < idf.length; t++) {
            idf[t] = Math.log((1.0 + n) / (1.0 + df[t])) + 1;
        }
        for (int s = 0; s < n; s++) {
            double[] w = new double[ids[s].length];
            double norm = 0;
            for (int k = 0; k < w.length; k++) {
                w[k] = (1 + Math.log(counts.get(s)[k])) * idf[ids[s][k]];
                norm += w[k] * w[k];
            }
            norm = Math.sqrt(norm);
            for (int k = 0; k < w.length; k++) {
                w[k] /= norm;
            }
            weights[s] = w;
        }
    }

    /** Return the number of sentences. */
    int size() {
        return ids.length;
    }

    /** Return true when sentence {@code s} has no content word. */
    boolean isEmpty(int s) {
        return ids[s].length == 0;
    }

    /** Return the cosine similarity of two sentences (0 when either has no content word). */
    double cosine(int a, int b) {
        int[] x = ids[a];
        int[] y = ids[b];
        double dot = 0;
        for (int i = 0, j = 0; i < x.length && j < y.length; ) {
            if (x[i] == y[j]) {
                dot += weights[a][i++] * weights[b][j++];
            } else if (x[i] < y[j]) {
                i++;
            } else {
                j++;
            }
        }
        return dot;
    }

    /**
     * Return each sentence's similarity to all others, {@code sum_j cosine(s, j)} for {@code j != s}: its weighted
     * degree in the full similarity graph, computed in linear time through the centroid of all vectors.
     */
    double[] degrees() {
        double[] centroid = new double[terms.size()];
        for (int s = 0; s < size(); s++) {
            for (int k = 0; k < ids[s].length; k++) {
                centroid[ids[s][k]] += weights[s][k];
            }
        }
        double[] out = new double[size()];
        for (int s = 0; s < size(); s++) {
            double dot = 0;
            for (int k = 0; k < ids[s].length; k++) {
                dot += weights[s][k] * centroid[ids[s][k]];
            }
            out[s] = isEmpty(s) ? 0 : dot - 1;
        }
        return out;
    }

    /**
     * Return up to {@code limit} keywords: terms of three or more characters by total count times idf, ties by first
     * occurrence, each spelt in its most frequent surface form (then the shortest, then alphabetically first).
     */
    List<String> keywords(int limit) {
        Integer[] order = new Integer[terms.size()];
        for (int t = 0; t < order.length; t++) {
            order[t] = t;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(total[b] * idf[b], total[a] * idf[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        List<String> out = new ArrayList<>(limit);
        for (int k = 0; k < order.length && out.size() < limit; k++) {
            if (terms.get(order[k]).length() >= 3) {
                out.add(surface(order[k]));
            }
        }
        return out;
    }

    private String surface(int term) {
        String best = terms.get(term);
        int bestCount = -1;
        for (Map.Entry<String, Integer> e : surfaces.get(term).entrySet()) {
            String w = e.getKey();
            int c = e.getValue();
            if (c > bestCount || (c == bestCount && (w.length() < best.length()
                    || (w.length() == best.length() && w.compareTo(best) < 0)))) {
                best = w;
                bestCount = c;
            }
        }
        return best;
    }
}
