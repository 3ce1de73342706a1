package dev.enrich.resilience;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Describe the guards around each external dependency, for operators ({@code GET /api/v1/resilience}).
 *
 * @param dependencies one entry per dependency, by name
 */
public record ResilienceStatus(List<Dependency> dependencies) {

    public ResilienceStatus {
        dependencies = List.copyOf(dependencies);
    }

    /**
     * Describe one dependency.
     *
     * @param name e.g. {@code ai-chat}
     * @param state the breaker state: CLOSED, OPEN, HALF_OPEN (or DISABLED, FORCED_OPEN, METRICS_ONLY)
     * @param failureRate the percentage of failed calls in the window; null until enough calls were made
     * @param bufferedCalls calls in the breaker's window
     * @param failedCalls failed calls in the window
     * @param notPermittedCalls calls refused while the breaker was open
     * @param concurrentCalls calls in flight now
     * @param retriesAttempted retries scheduled
     * @param retriesSucceeded calls that succeeded after at least one retry
     * @param retriesExhausted calls that still failed transiently after the last retry
     * @param keyRejected true when the service's last word was that the API key is refused (401/403)
     */
    public record Dependency(String name, String state, @Nullable Double failureRate, int bufferedCalls,
            int failedCalls, long notPermittedCalls, int concurrentCalls, long retriesAttempted,
            long retriesSucceeded, long retriesExhausted, boolean keyRejected) {}
}
