package dev.enrich.stage.canvas;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiProvider;
import dev.enrich.cost.Budgets;
import dev.enrich.model.Canvas;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.stage.ai.AiFallback;
import dev.enrich.stage.ai.AiText;
import dev.enrich.stage.ai.LocalFirstAiStage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Add an AI narrative to a local canvas stage's document: run the local stage first (its result is the fallback),
 * then, when a summary exists, ask the chat model for a 2 to 4 sentence story of the session, added to the canvas as
 * its {@link Canvas#narrative()} (path {@code ai}) and shown on the canvas page, escaped.
 *
 * <p>On any failure or an invalid reply the local canvas is kept with path {@code local} and a friendly message:
 * {@link Budgets#PAUSED_MESSAGE} when the tenant's AI budget is used up, else {@value #UNREACHABLE_MESSAGE}. Without a
 * summary, or with the provider disabled, the stage is exactly the local one. Replies are remembered per job in the
 * {@link AiCache} (kind {@value #CACHE_KIND}). No retries here: the resilience layer adds them.
 */
public final class AiCanvasStage extends LocalFirstAiStage {

    /** Tell the user the basic canvas was used because the AI call failed. */
    public static final String UNREACHABLE_MESSAGE = "Couldn't reach the AI service — basic canvas was used.";

    static final String CACHE_KIND = "canvas";

    private final JsonMapper json;

    /**
     * Decorate {@code local} (usually a {@link CanvasStage}) with a narrative from {@code provider}.
     *
     * @param json the application's mapper, which reads the model's replies
     */
    public AiCanvasStage(Stage local, AiProvider provider, AiCache cache, JsonMapper json) {
        super(local, provider, cache);
        this.json = json;
    }

    @Override
    protected Flux<StageUpdate> improve(StageContext context, StageResult basic) {
        Canvas doc = basic.data(Canvas.class).orElse(null);
        if (doc == null || !basic.state().isUseful() || context.useful(StageName.SUMMARY).isEmpty()
                || !CanvasNarrative.canTell(doc)) {
            return Flux.just(StageUpdate.done(basic));
        }
        Mono<String> narrative = chatOnce(call(context, StageName.CANVAS), CACHE_KIND, CanvasNarrative.request(doc),
                content -> CanvasNarrative.parse(AiText.readObject(json, content)));
        return AiFallback.attempt(context, basic, narrative, doc::withNarrative, UNREACHABLE_MESSAGE);
    }
}
