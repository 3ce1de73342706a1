package dev.enrich.stage;

import dev.enrich.ai.AiException;
import dev.enrich.cost.Budgets;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Compose an AI step after a local stage: the local result comes first and is the fallback when the AI step fails.
 */
public final class LocalFirst {

    private static final Logger log = LoggerFactory.getLogger(LocalFirst.class);

    private LocalFirst() {}

    /**
     * Run {@code local}, its progress scaled to 0..{@code localShare}, then replace its useful result with the
     * updates of {@code aiStep} (which must end with one {@link StageUpdate.Done}). A result that is not useful
     * passes through.
     */
    public static Flux<StageUpdate> then(Stage local, StageContext context, double localShare,
            Function<StageResult, Publisher<StageUpdate>> aiStep) {
        return local.run(context).concatMap(update -> {
            if (update instanceof StageUpdate.Progress p) {
                return Mono.just(StageUpdate.progress(p.fraction() * localShare, p.message()));
            }
            StageResult result = ((StageUpdate.Done) update).result();
            return result.state().isUseful() ? aiStep.apply(result) : Mono.just(update);
        });
    }

    /**
     * Return the local result, path {@code local}, with a friendly message for a failed AI step:
     * {@link Budgets#PAUSED_MESSAGE} when the budget is exhausted, else {@code unreachable}. Logs the failure once
     * (job, stage, error class; never the prompt or the key).
     */
    public static StageResult fallback(StageContext context, StageResult localResult, Throwable error,
            String unreachable) {
        AiException.Kind kind = error instanceof AiException ai ? ai.kind() : null;
        log.warn("AI step failed, keeping the local result: job={} stage={} error={}{}", context.jobId(),
                localResult.stage(), error.getClass().getSimpleName(), kind == null ? "" : " (" + kind + ")");
        return new StageResult(localResult.stage(), localResult.state(), localResult.data(),
                kind == AiException.Kind.BUDGET_EXHAUSTED ? Budgets.PAUSED_MESSAGE : unreachable, "local");
    }
}
