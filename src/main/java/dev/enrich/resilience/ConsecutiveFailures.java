package dev.enrich.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.TransitionCheckResult;
import io.github.resilience4j.core.functions.Either;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Open a breaker after a run of transient failures, next to resilience4j's failure-rate rule (which needs a minimum
 * number of calls first). Any other outcome ends the run; so does every state transition ({@link #reset()}).
 */
final class ConsecutiveFailures implements Function<Either<Object, Throwable>, TransitionCheckResult> {

    private final int limit;
    private final Duration waitInOpen;
    private final AtomicInteger run = new AtomicInteger();

    ConsecutiveFailures(int limit, Duration waitInOpen) {
        this.limit = limit;
        this.waitInOpen = waitInOpen;
    }

    @Override
    public TransitionCheckResult apply(Either<Object, Throwable> outcome) {
        if (outcome.isRight() && ErrorClassifier.isTransient(outcome.get())) {
            if (run.incrementAndGet() >= limit) {
                run.set(0);
                // resilience4j insists on a wait with every requested opening.
                return TransitionCheckResult.transitionToOpenAndWaitFor(waitInOpen);
            }
        } else {
            run.set(0);
        }
        return TransitionCheckResult.noTransition();
    }

    void reset() {
        run.set(0);
    }
}
