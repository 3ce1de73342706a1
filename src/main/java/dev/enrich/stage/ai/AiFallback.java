package dev.enrich.stage.ai;

import dev.enrich.ai.AiException;
import dev.enrich.cost.Budgets;
import dev.enrich.model.StageOutput;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageState;
import dev.enrich.pipeline.StageUpdate;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Run the flow every AI stage decorator shares: the local stage first (its result is the fallback, its progress
 * scaled to 0..{@value #LOCAL_SHARE}), then one AI attempt whose success gives path {@code ai} and whose failure
 * keeps the local result, path {@code local}, with a friendly message ({@link Budgets#PAUSED_MESSAGE} when the
 * tenant's AI budget is used up, {@link #SETUP_MESSAGE} when the provider rejected the key). Failures are logged once, with job, stage and error class, never with content.
 */
public final class AiFallback {

    /** The message of a stage whose AI call met a rejected key: an operator must set AI up. */
    public static final String SETUP_MESSAGE = "AI features need to be set up — basic enrichment was used";

    /** The share of the progress bar the local stage fills. */
    public static final double LOCAL_SHARE = 0.7;

    private static final Logger log = LoggerFactory.getLogger(AiFallback.class);

    private AiFallback() {}

    /**
     * Return the local stage's progress (scaled) followed by what {@code improve} makes of its result; {@code improve}
     * must end with exactly one {@link StageUpdate.Done}.
     */
    public static Flux<StageUpdate> afterLocal(Stage local, StageContext context,
            Function<StageResult, Flux<StageUpdate>> improve) {
        return Flux.defer(() -> {
            AtomicReference<@Nullable StageResult> basic = new AtomicReference<>();
            Flux<StageUpdate> localUpdates = local.run(context).handle((update, sink) -> {
                if (update instanceof StageUpdate.Progress p) {
                    sink.next(StageUpdate.progress(p.fraction() * LOCAL_SHARE, p.message()));
                } else if (update instanceof StageUpdate.Done done) {
                    basic.set(done.result());
                }
            });
            return localUpdates.concatWith(Flux.defer(() -> {
                StageResult result = basic.get();
                return result == null
                        ? Flux.error(new IllegalStateException("the local stage ended without a result"))
                        : improve.apply(result);
            }));
        });
    }

    /**
     * Return a progress tick, then the result of one AI attempt: the local output improved by {@code improve} with
     * path {@code ai}, or on any error the local result with path {@code local} and a friendly message.
     *
     * @param unreachableMessage the message for failures other than an exhausted budget
     */
    public static <T> Flux<StageUpdate> attempt(StageContext context, StageResult basic, Mono<T> call,
            Function<T, StageOutput> improve, String unreachableMessage) {
        Mono<StageUpdate> done = call
                // Replies arrive on an event loop; what follows (and the pipeline after it) stays off it.
                .publishOn(Schedulers.boundedElastic())
                .map(reply -> StageUpdate.done(basic.with(improve.apply(reply), "ai")))
                .onErrorResume(e -> Mono.just(StageUpdate.done(fallback(context, basic, e, unreachableMessage))));
        return Flux.concat(Mono.just(StageUpdate.progress(LOCAL_SHARE, basic.stage().activity())), done);
    }

    /**
     * Return the local result after a failed AI attempt: path {@code local}, DEGRADED when it had succeeded, with a
     * friendly message; log the failure once. For decorators whose AI work is more than one {@link #attempt}.
     *
     * @param unreachableMessage the message for failures other than an exhausted budget
     */
    public static StageResult fallback(StageContext context, StageResult basic, Throwable error,
            String unreachableMessage) {
        AiException.Kind kind = error instanceof AiException ai ? ai.kind() : null;
        log.warn("AI result not used, basic result kept: job={} stage={} error={}{}", context.jobId(),
                basic.stage().id(), error.getClass().getSimpleName(),
                error instanceof AiException ai ? " (" + ai.kind() + ")"
                        : error instanceof AiText.InvalidReply ? " (" + error.getMessage() + ")" : "");
        // A fallback is a lesser result: DEGRADED, so the job says plainly that it is partly basic.
        StageState state = basic.state() == StageState.SUCCEEDED ? StageState.DEGRADED : basic.state();
        return new StageResult(basic.stage(), state, basic.data(),
                kind == AiException.Kind.BUDGET_EXHAUSTED ? Budgets.PAUSED_MESSAGE
                        : kind == AiException.Kind.KEY_REJECTED ? SETUP_MESSAGE : unreachableMessage, "local");
    }
}
