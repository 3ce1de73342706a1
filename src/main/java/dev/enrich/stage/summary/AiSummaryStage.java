package dev.enrich.stage.summary;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatRequest;
import dev.enrich.cost.Budgets;
import dev.enrich.model.SessionSummary;
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
 * Improve a local summary stage with the AI chat model: run the local stage first (its result is the fallback), then,
 * when the session has text, ask the model for {@code title, summary, highlights, actionItems, keywords} as JSON.
 *
 * <p>A valid reply replaces those fields of the local summary (see {@link AiSummaryReply#applyTo}) and the result's
 * path is {@code ai}. On any failure or an invalid reply the local result is kept with path {@code local} and
 * a friendly message: {@link Budgets#PAUSED_MESSAGE} when the tenant's AI budget is used up, else
 * {@value #UNREACHABLE_MESSAGE}. With no text, or with the provider disabled, the stage is exactly the local one.
 * Replies are remembered per job in the {@link AiCache} (kind {@value #CACHE_KIND}), so the same text is not sent twice
 * within a job or its retry. No retries here: the resilience layer adds them.
 */
public final class AiSummaryStage extends LocalFirstAiStage {

    /** Tell the user the basic summary was used because the AI call failed. */
    public static final String UNREACHABLE_MESSAGE = "Couldn't reach the AI service — basic summary was used.";

    static final String CACHE_KIND = "summary";

    private final JsonMapper json;

    /**
     * Decorate {@code local} (usually a {@link SummaryStage}) with AI summaries from {@code provider}.
     *
     * @param json the application's mapper, which reads the model's replies
     */
    public AiSummaryStage(Stage local, AiProvider provider, AiCache cache, JsonMapper json) {
        super(local, provider, cache);
        this.json = json;
    }

    @Override
    protected Flux<StageUpdate> improve(StageContext context, StageResult basic) {
        if (!basic.state().isUseful()) {
            return Flux.just(StageUpdate.done(basic));
        }
        return SummaryInput.load(context).flatMapMany(input -> {
            if (!input.hasText()) {
                return Flux.just(StageUpdate.done(basic));
            }
            ChatRequest request = SummaryPrompt.request(input);
            SessionSummary local = basic.data(SessionSummary.class).orElseThrow();
            Mono<AiSummaryReply> reply = chatOnce(call(context, StageName.SUMMARY), CACHE_KIND, request,
                    content -> AiSummaryReply.parse(AiText.readObject(json, content)));
            return AiFallback.attempt(context, basic, reply, ai -> ai.applyTo(local), UNREACHABLE_MESSAGE);
        });
    }
}
