package dev.enrich.resilience;

import dev.enrich.ai.AiCall;
import java.time.Duration;

/** Hear about retries as they are scheduled, so users can be told "Retrying in 4s..." (port; the engine implements it). */
@FunctionalInterface
public interface RetryListener {

    /**
     * Say that a failed call to {@code dependency} will be tried again after {@code delay}.
     *
     * @param attempt the attempt about to be made, 2 for the first retry
     * @param maxAttempts the most attempts that will be made
     */
    void retrying(AiCall call, String dependency, int attempt, int maxAttempts, Duration delay);

    /** Return a listener that does nothing. */
    static RetryListener none() {
        return (call, dependency, attempt, maxAttempts, delay) -> { };
    }
}
