package dev.enrich.stage.summary;

import dev.enrich.model.SessionSummary;
import dev.enrich.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * Summarise a {@link SummaryInput} in a few steps, so the stage can report progress and stop between them: split
 * sentences, weigh terms, rank, then pick highlights, keywords, action items and a title. Deterministic: the same input
 * gives the same summary.
 *
 * <p>TextRank is quadratic in the sentences it ranks, so at most {@value #MAX_RANKED} enter the graph: those with the
 * highest weighted degree in the full similarity graph, which is linear to compute (see {@link TfIdf#degrees()}).
 * Everything else (splitting, TF-IDF, keywords, action items) is linear in the text.
 */
final class Summarizer {

    static final int MAX_RANKED = 400;
    static final int KEYWORDS = 8;
    static final int MAX_ACTION_ITEMS = 25;
    static final int STEPS = 4;

    /** Highlights this similar to an already chosen one are left out. */
    private static final double NEAR_DUPLICATE = 0.8;
    private static final int MIN_HIGHLIGHT_WORDS = 4;
    /** A transcript with fewer sentence ends than one per this many words is read cue by cue. */
    private static final int WORDS_PER_SENTENCE_END = 40;

    private final SummaryInput input;
    private int step;
    private List<Sentence> sentences = List.of();
    private @Nullable String heading;
    private @Nullable TfIdf tfIdf;
    private int[] nodes = new int[0];
    private double[] scores = new double[0];

    Summarizer(SummaryInput input) {
        this.input = input;
    }

    /** Run all steps at once. */
    static SessionSummary summarize(SummaryInput input) {
        Summarizer s = new Summarizer(input);
        Optional<SessionSummary> done = s.step();
        while (done.isEmpty()) {
            done = s.step();
        }
        return done.get();
    }

    /** Run the next step; return the summary after the last one. */
    Optional<SessionSummary> step() {
        switch (step++) {
            case 0 -> split();
            case 1 -> {
                if (sentences.isEmpty()) {
                    return Optional.of(StructuralSummary.of(input.title(), input.audio(), input.video()));
                }
                tfIdf = new TfIdf(sentences);
            }
            case 2 -> rank();
            default -> {
                return Optional.of(finish());
            }
        }
        return Optional.empty();
    }

    /** Return the share of steps done, 0..1. */
    double fraction() {
        return Math.min(step, STEPS) / (double) STEPS;
    }

    private void split() {
        SentenceSplitter splitter = new SentenceSplitter();
        Transcript t = input.transcript();
        if (t.format() == Transcript.Format.PLAIN) {
            splitter.notes(t.plainText());
        } else if (punctuated(t.plainText())) {
            splitter.prose(t.plainText());
        } else {
            t.segments().forEach(s -> splitter.prose(s.text()));
        }
        splitter.notes(input.notes());
        input.captions().forEach(splitter::prose);
        sentences = splitter.sentences();
        heading = splitter.firstHeading();
    }

    private void rank() {
        TfIdf weights = tfIdf();
        int[] candidates = IntStream.range(0, weights.size()).filter(s -> !weights.isEmpty(s)).toArray();
        if (candidates.length == 0) {
            candidates = IntStream.range(0, Math.min(weights.size(), MAX_RANKED)).toArray();
        } else if (candidates.length > MAX_RANKED) {
            double[] degree = weights.degrees();
            candidates = Arrays.stream(candidates).boxed()
                    .sorted(Comparator.comparingDouble((Integer s) -> -degree[s]).thenComparingInt(s -> s))
                    .limit(MAX_RANKED).mapToInt(Integer::intValue).sorted().toArray();
        }
        nodes = candidates;
        scores = TextRank.rank(weights, nodes);
    }

    private SessionSummary finish() {
        TfIdf weights = tfIdf();
        Integer[] byRank = new Integer[nodes.length];
        for (int i = 0; i < byRank.length; i++) {
            byRank[i] = i;
        }
        Arrays.sort(byRank, (a, b) -> {
            int c = Double.compare(scores[b], scores[a]);
            return c != 0 ? c : Integer.compare(nodes[a], nodes[b]);
        });
        int wanted = Math.min(sentences.size(), Math.max(3, Math.min(7, (int) Math.round(Math.sqrt(sentences.size())))));
        List<Integer> picked = new ArrayList<>();
        Set<String> texts = new HashSet<>();
        pick(byRank, wanted, true, picked, texts, weights);
        pick(byRank, wanted, false, picked, texts, weights);
        List<String> ranked = picked.stream().map(s -> sentences.get(s).text()).toList();
        List<String> highlights = picked.stream().sorted().map(s -> sentences.get(s).text()).toList();
        List<String> keywords = weights.keywords(KEYWORDS);
        ActionItems.Found items = ActionItems.find(sentences, MAX_ACTION_ITEMS);
        // Counts are reported only when part of a long text was left out of the ranking.
        boolean partial = nodes.length < sentences.size();
        return new SessionSummary(Titles.forText(input.title(), heading, ranked, keywords), paragraph(highlights),
                highlights, keywords, items.items(), SessionSummary.Source.TEXT, items.truncated(),
                partial ? sentences.size() : null, partial ? nodes.length : null);
    }

    /** Add sentences in rank order until {@code wanted}; {@code strict} also skips short ones. */
    private void pick(Integer[] byRank, int wanted, boolean strict, List<Integer> picked, Set<String> texts,
            TfIdf weights) {
        for (int k = 0; k < byRank.length && picked.size() < wanted; k++) {
            int s = nodes[byRank[k]];
            String text = sentences.get(s).text();
            if (picked.contains(s) || texts.contains(text.toLowerCase(Locale.ROOT))
                    || (strict && text.split("\\s+").length < MIN_HIGHLIGHT_WORDS)
                    || picked.stream().anyMatch(p -> weights.cosine(p, s) >= NEAR_DUPLICATE)) {
                continue;
            }
            picked.add(s);
            texts.add(text.toLowerCase(Locale.ROOT));
        }
    }

    /** Join sentences into one paragraph, ending list items that have no end punctuation with a full stop. */
    private static String paragraph(List<String> sentences) {
        StringBuilder b = new StringBuilder();
        for (String s : sentences) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(s);
            if (".!?…\"')".indexOf(s.charAt(s.length() - 1)) < 0) {
                b.append('.');
            }
        }
        return b.toString();
    }

    private TfIdf tfIdf() {
        if (tfIdf == null) {
            throw new IllegalStateException("terms are weighed in an earlier step");
        }
        return tfIdf;
    }

    private static boolean punctuated(String text) {
        long ends = text.chars().filter(c -> c == '.' || c == '!' || c == '?' || c == '…').count();
        long words = text.isBlank() ? 0 : text.strip().split("\\s+").length;
        return ends * WORDS_PER_SENTENCE_END >= words;
    }
}
