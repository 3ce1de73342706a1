package dev.enrich.pipeline;

import java.time.Duration;
import java.util.function.Function;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Hear, from inside a running stage's flux, that a call the stage made failed and will be tried again.
 *
 * <p>The pipeline puts one in the Reactor context of every stage it runs and turns each notice into a
 * {@link PipelineSignal.Retrying} in that stage's own signals, so the job hears of the retry in order with the
 * stage's progress. Layers below a stage (the resilience layer) find it with {@link #current}; nothing is reached
 * for outside the stage's flux. Implementations must not block.
 */
@FunctionalInterface
public interface RetryNotices {

    /** Notices that go nowhere: what {@link #current} returns outside a stage. */
    RetryNotices NONE = (dependency, attempt, maxAttempts, delay) -> { };

    /**
     * Say that a failed call to {@code dependency} will be tried again after {@code delay}.
     *
     * @param attempt the attempt about to be made, 2 for the first retry
     * @param maxAttempts the most attempts that will be made
     */
    void retrying(String dependency, int attempt, int maxAttempts, Duration delay);

    /** Return the notices of the stage whose flux has {@code context}, or {@link #NONE} outside a stage. */
    static RetryNotices current(ContextView context) {
        return context.getOrDefault(RetryNotices.class, NONE);
    }

    /** Return a context change that makes {@code notices} the current ones upstream, for {@code contextWrite}. */
    static Function<Context, Context> in(RetryNotices notices) {
        return context -> context.put(RetryNotices.class, notices);
    }
}
