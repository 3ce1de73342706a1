package dev.enrich.stage.ai;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatRequest;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Decorate a local stage with an AI improvement: with the provider disabled the stage is exactly the local one;
 * otherwise the local stage runs first and {@link #improve} turns its result into the final one (see
 * {@link AiFallback}). Whether there is input is the local stage's call.
 */
public abstract class LocalFirstAiStage implements Stage {

    protected final Stage local;
    protected final AiProvider provider;
    protected final AiCache cache;

    /** Decorate {@code local}; AI replies are remembered per job in {@code cache}. */
    protected LocalFirstAiStage(Stage local, AiProvider provider, AiCache cache) {
        this.local = local;
        this.provider = provider;
        this.cache = cache;
    }

    @Override
    public final Optional<String> missingInput(StageContext context) {
        return local.missingInput(context);
    }

    @Override
    public final Flux<StageUpdate> run(StageContext context) {
        return provider.enabled() ? AiFallback.afterLocal(local, context, basic -> improve(context, basic))
                : local.run(context);
    }

    /** Return the updates after the local stage finished with {@code basic}, ending with exactly one Done. */
    protected abstract Flux<StageUpdate> improve(StageContext context, StageResult basic);

    /** Describe an AI call this stage makes for the job of {@code context} (for metering and budgets). */
    protected static AiCall call(StageContext context, StageName stage) {
        return new AiCall(context.session().tenant(), context.session().id(), context.jobId(), stage);
    }

    /**
     * Ask the provider {@code request} and parse the reply, at most once per job: the reply is remembered under
     * {@code kind} and the request's content hash, so a retry of the job does not pay for it again.
     */
    protected <T> Mono<T> chatOnce(AiCall call, String kind, ChatRequest request, Function<String, T> parse) {
        return cache.get(call.jobId(), kind, AiText.hash(request),
                () -> provider.chat(call, request).map(reply -> parse.apply(reply.content())));
    }
}
