package dev.enrich.stage.canvas;

import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Compose a one-page canvas document from the session and every useful upstream result: title, date, duration,
 * stats, chapter timeline with thumbnails, speech activity track, highlights, action items and keywords.
 *
 * <p>The result is a {@link dev.enrich.model.Canvas} (see {@link CanvasDocument} for how it is built); the HTML
 * page is rendered on request by {@link CanvasRenderer}. Works with any subset of upstream results and is SKIPPED
 * when no other stage produced anything.
 */
public final class CanvasStage implements Stage {

    @Override
    public Optional<String> missingInput(StageContext context) {
        boolean any = context.upstream().values().stream().anyMatch(r -> r.state().isUseful());
        return any ? Optional.empty() : Optional.of("Nothing to draw: no other stage produced results.");
    }

    @Override
    public Flux<StageUpdate> run(StageContext context) {
        return Flux.concat(
                Mono.just(StageUpdate.progress(0.1, StageName.CANVAS.activity())),
                Mono.fromCallable(() -> StageUpdate.done(
                        StageResult.succeeded(StageName.CANVAS, CanvasDocument.build(context)))));
    }
}
