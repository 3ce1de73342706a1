package dev.enrich.stage.canvas;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiException;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatRequest;
import dev.enrich.cost.Budgets;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Add an AI narrative to a local canvas stage's document: run the local stage first (its result is the fallback),
 * then, when a summary exists, ask the chat model for a 2 to 4 sentence story of the session, added to the document
 * as {@code narrative} (path {@code ai}) and shown on the canvas page, escaped.
 *
 * <p>On any failure or an invalid reply the local document is kept with path {@code local} and a friendly message:
 * {@link Budgets#PAUSED_MESSAGE} when the tenant's AI budget is used up, else {@value #UNREACHABLE_MESSAGE}. Without a
 * summary, or with the provider disabled, the stage is exactly the local one. Replies are remembered per job in the
 * {@link AiCache} (kind {@value #CACHE_KIND}). No retries here: the resilience layer adds them.
 */
public final class AiCanvasStage implements Stage {

    /** Tell the user the basic canvas was used because the AI call failed. */
    public static final String UNREACHABLE_MESSAGE = "Couldn't reach the AI service — basic canvas was used.";

    static final String CACHE_KIND = "canvas";
    /** The share of the progress bar the local stage fills. */
    static final double LOCAL_SHARE = 0.7;

    private static final Logger log = LoggerFactory.getLogger(AiCanvasStage.class);

    private final Stage local;
    private final AiProvider provider;
    private final AiCache cache;

    /** Decorate {@code local} (usually a {@link CanvasStage}) with a narrative from {@code provider}. */
    public AiCanvasStage(Stage local, AiProvider provider, AiCache cache) {
        this.local = local;
        this.provider = provider;
        this.cache = cache;
    }

    @Override
    public Optional<String> missingInput(StageContext context) {
        return local.missingInput(context);
    }

    @Override
    public Flux<StageUpdate> run(StageContext context) {
        if (!provider.enabled()) {
            return local.run(context);
        }
        return Flux.defer(() -> {
            AtomicReference<@Nullable StageResult> basic = new AtomicReference<>();
            Flux<StageUpdate> localUpdates = local.run(context).handle((update, sink) -> {
                if (update instanceof StageUpdate.Progress p) {
                    sink.next(StageUpdate.progress(p.fraction() * LOCAL_SHARE, p.message()));
                } else if (update instanceof StageUpdate.Done done) {
                    basic.set(done.result());
                }
            });
            return localUpdates.concatWith(Flux.defer(() -> improve(context, basic.get())));
        });
    }

    private Flux<StageUpdate> improve(StageContext context, @Nullable StageResult basic) {
        if (basic == null) {
            return Flux.error(new IllegalStateException("the local canvas stage ended without a result"));
        }
        if (!basic.state().isUseful() || context.useful(StageName.SUMMARY).isEmpty()
                || !CanvasNarrative.canTell(basic.data())) {
            return Flux.just(StageUpdate.done(basic));
        }
        ChatRequest request = CanvasNarrative.request(basic.data());
        AiCall call = new AiCall(context.session().tenant(), context.session().id(), context.jobId(),
                StageName.CANVAS);
        Mono<StageUpdate> ai = cache.get(context.jobId(), CACHE_KIND, CanvasNarrative.hash(request),
                        () -> provider.chat(call, request).map(reply -> CanvasNarrative.parse(reply.content())))
                // Replies arrive on an event loop; what follows (and the pipeline after it) stays off it.
                .publishOn(Schedulers.boundedElastic())
                .map(narrative -> StageUpdate.done(new StageResult(StageName.CANVAS, basic.state(),
                        withNarrative(basic.data(), narrative), basic.message(), "ai")))
                .onErrorResume(e -> Mono.just(StageUpdate.done(fallback(context, basic, e))));
        return Flux.concat(Mono.just(StageUpdate.progress(LOCAL_SHARE, StageName.CANVAS.activity())), ai);
    }

    private static Map<String, Object> withNarrative(Map<String, Object> doc, String narrative) {
        Map<String, Object> out = new LinkedHashMap<>(doc);
        out.put("narrative", narrative);
        return out;
    }

    private static StageResult fallback(StageContext context, StageResult basic, Throwable error) {
        boolean paused = error instanceof AiException ai && ai.kind() == AiException.Kind.BUDGET_EXHAUSTED;
        log.warn("AI narrative not used, basic canvas kept: job={} stage={} error={}{}", context.jobId(),
                StageName.CANVAS.id(), error.getClass().getSimpleName(),
                error instanceof AiException ai ? " (" + ai.kind() + ")"
                        : error instanceof CanvasNarrative.Invalid ? " (" + error.getMessage() + ")" : "");
        return new StageResult(StageName.CANVAS, basic.state(), basic.data(),
                paused ? Budgets.PAUSED_MESSAGE : UNREACHABLE_MESSAGE, "local");
    }
}
