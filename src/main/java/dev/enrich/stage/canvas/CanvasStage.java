package dev.enrich.stage.canvas;

import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Flux;

/** Compose a one-page canvas document from the session and every useful upstream result. */
public final class CanvasStage implements Stage {

    @Override
    public Optional<String> missingInput(StageContext context) {
        boolean any = context.upstream().values().stream().anyMatch(r -> r.state().isUseful());
        return any ? Optional.empty() : Optional.of("Nothing to draw: no other stage produced results.");
    }

    @Override
    public Flux<StageUpdate> run(StageContext context) {
        return Flux.defer(() -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("title", context.session().title());
            out.put("createdAt", context.session().createdAt().toString());
            Map<String, Object> sections = new LinkedHashMap<>();
            for (StageName s : StageName.values()) {
                context.useful(s).ifPresent(r -> sections.put(s.id(), r.data()));
            }
            out.put("sections", sections);
            return Flux.just(StageUpdate.done(StageResult.succeeded(StageName.CANVAS, out)));
        });
    }
}
