package dev.enrich.stage.summary;

import dev.enrich.model.SessionSummary;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import java.util.Optional;
import reactor.core.publisher.Flux;

/**
 * Summarise a session offline from its text: the transcript, the notes and any frame captions.
 *
 * <p>Sentences come from {@link java.text.BreakIterator}; highlights are the top sentences by TextRank over TF-IDF
 * vectors, in text order (3 to 7, about the square root of the sentence count); keywords are the top TF-IDF terms;
 * action items come from cue phrases and task lists; the title is the session's own unless generic. With no text, the
 * summary describes the audio and video facts instead ("A 12-minute session in 4 chapters, 70% speech.", source
 * {@code structure}). Deterministic. Long texts stay fast: at most 400 sentences enter the ranking graph.
 *
 * <p>The result is a {@link SessionSummary}. This is also the basic summary an AI summary falls back to.
 */
public final class SummaryStage implements Stage {

    private static final String ACTIVITY = StageName.SUMMARY.activity();
    private static final String NOTHING = "Nothing to summarize: no text, audio or video results.";

    @Override
    public Optional<String> missingInput(StageContext context) {
        // Stored texts are long, so not empty; run() still checks once they are read.
        return SummaryInput.known(context).filter(SummaryInput::isEmpty).map(input -> NOTHING);
    }

    @Override
    public Flux<StageUpdate> run(StageContext context) {
        return SummaryInput.load(context).flatMapMany(input -> input.isEmpty()
                ? Flux.just(StageUpdate.done(StageResult.skipped(StageName.SUMMARY, NOTHING)))
                : Flux.generate(() -> new Summarizer(input), (summarizer, sink) -> {
                    Optional<SessionSummary> done = summarizer.step();
                    if (done.isPresent()) {
                        sink.next(StageUpdate.done(StageResult.succeeded(StageName.SUMMARY, done.get())));
                        sink.complete();
                    } else {
                        sink.next(StageUpdate.progress(summarizer.fraction(), ACTIVITY));
                    }
                    return summarizer;
                }));
    }
}
