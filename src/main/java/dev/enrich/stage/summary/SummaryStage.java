package dev.enrich.stage.summary;

import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.Session;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Flux;

/**
 * Summarise a session from its transcript and notes (the leading sentences, split with {@link BreakIterator}), or,
 * with no text, from the audio and video facts. Deterministic. Ranked extractive summaries come with the local
 * processors.
 */
public final class SummaryStage implements Stage {

    private static final int SENTENCES = 3;

    @Override
    public Optional<String> missingInput(StageContext context) {
        boolean any = context.session().hasText() || context.useful(StageName.AUDIO).isPresent()
                || context.useful(StageName.VIDEO).isPresent();
        return any ? Optional.empty() : Optional.of("Nothing to summarize: no text, audio or video results.");
    }

    @Override
    public Flux<StageUpdate> run(StageContext context) {
        return Flux.defer(() -> {
            Session s = context.session();
            String text = join(s.transcript(), s.notes());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("title", s.title());
            if (!text.isBlank()) {
                List<String> sentences = sentences(text);
                out.put("summary", String.join(" ", sentences.subList(0, Math.min(SENTENCES, sentences.size()))));
                out.put("sentences", sentences.size());
                out.put("words", text.trim().split("\\s+").length);
            } else {
                out.put("summary", structural(context));
            }
            return Flux.just(StageUpdate.progress(0.5, "Writing summary..."),
                    StageUpdate.done(StageResult.succeeded(StageName.SUMMARY, out)));
        });
    }

    static List<String> sentences(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        List<String> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String sentence = text.substring(start, end).trim();
            if (!sentence.isEmpty()) {
                out.add(sentence);
            }
        }
        return out;
    }

    private static String structural(StageContext context) {
        StringBuilder b = new StringBuilder("A session");
        context.useful(StageName.AUDIO).map(r -> r.data().get("durationSeconds"))
                .filter(Number.class::isInstance)
                .ifPresent(d -> b.append(" with ").append(Math.round(((Number) d).doubleValue())).append(" s of audio"));
        context.useful(StageName.VIDEO).map(r -> r.data().get("chapters"))
                .filter(Number.class::isInstance)
                .ifPresent(c -> b.append(" in ").append(c).append(" chapter(s)"));
        return b.append('.').toString();
    }

    private static String join(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            if (p != null && !p.isBlank()) {
                b.append(p.trim()).append('\n');
            }
        }
        return b.toString();
    }
}
