package dev.enrich.stage.summary;

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
 * Improve a local summary stage with the AI chat model: run the local stage first (its result is the fallback), then,
 * when the session has text, ask the model for {@code title, summary, highlights, actionItems, keywords} as JSON.
 *
 * <p>A valid reply replaces those keys of the local data (the other local keys, {@code source} included, stay) and the
 * result's path is {@code ai}. On any failure or an invalid reply the local result is kept with path {@code local} and
 * a friendly message: {@link Budgets#PAUSED_MESSAGE} when the tenant's AI budget is used up, else
 * {@value #UNREACHABLE_MESSAGE}. With no text, or with the provider disabled, the stage is exactly the local one.
 * Replies are remembered per job in the {@link AiCache} (kind {@value #CACHE_KIND}), so the same text is not sent twice
 * within a job or its retry. No retries here: the resilience layer adds them.
 */
public final class AiSummaryStage implements Stage {

    /** Tell the user the basic summary was used because the AI call failed. */
    public static final String UNREACHABLE_MESSAGE = "Couldn't reach the AI service — basic summary was used.";

    static final String CACHE_KIND = "summary";
    /** The share of the progress bar the local stage fills. */
    static final double LOCAL_SHARE = 0.7;

    private static final Logger log = LoggerFactory.getLogger(AiSummaryStage.class);

    private final Stage local;
    private final AiProvider provider;
    private final AiCache cache;

    /** Decorate {@code local} (usually a {@link SummaryStage}) with AI summaries from {@code provider}. */
    public AiSummaryStage(Stage local, AiProvider provider, AiCache cache) {
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
            return Flux.error(new IllegalStateException("the local summary stage ended without a result"));
        }
        SummaryInput input = SummaryInput.of(context);
        if (!basic.state().isUseful() || !input.hasText()) {
            return Flux.just(StageUpdate.done(basic));
        }
        ChatRequest request = SummaryPrompt.request(input);
        AiCall call = new AiCall(context.session().tenant(), context.session().id(), context.jobId(),
                StageName.SUMMARY);
        Mono<StageUpdate> ai = cache.get(context.jobId(), CACHE_KIND, SummaryPrompt.hash(request),
                        () -> provider.chat(call, request).map(reply -> AiSummaryReply.parse(reply.content())))
                // Replies arrive on an event loop; what follows (and the pipeline after it) stays off it.
                .publishOn(Schedulers.boundedElastic())
                .map(fields -> StageUpdate.done(new StageResult(StageName.SUMMARY, basic.state(),
                        merge(basic.data(), fields), basic.message(), "ai")))
                .onErrorResume(e -> Mono.just(StageUpdate.done(fallback(context, basic, e))));
        return Flux.concat(Mono.just(StageUpdate.progress(LOCAL_SHARE, StageName.SUMMARY.activity())), ai);
    }

    private static Map<String, Object> merge(Map<String, Object> local, Map<String, Object> ai) {
        Map<String, Object> out = new LinkedHashMap<>(local);
        out.putAll(ai);
        if (ai.containsKey("actionItems")) {
            out.remove("actionItemsTruncated");
        }
        return out;
    }

    private static StageResult fallback(StageContext context, StageResult basic, Throwable error) {
        boolean paused = error instanceof AiException ai && ai.kind() == AiException.Kind.BUDGET_EXHAUSTED;
        log.warn("AI summary not used, basic summary kept: job={} stage={} error={}{}", context.jobId(),
                StageName.SUMMARY.id(), error.getClass().getSimpleName(),
                error instanceof AiException ai ? " (" + ai.kind() + ")"
                        : error instanceof AiSummaryReply.Invalid ? " (" + error.getMessage() + ")" : "");
        return new StageResult(StageName.SUMMARY, basic.state(), basic.data(),
                paused ? Budgets.PAUSED_MESSAGE : UNREACHABLE_MESSAGE, "local");
    }
}
