package dev.enrich.resilience;

import dev.enrich.config.ResilienceProperties;
import java.time.Duration;

/**
 * Give resilience tests the original settings: 3 retries (1 s → 10 s, jitter 0.5) and a breaker that opens
 * at 5 in a row or 50 % of 20 (at least 10), waits 30 s, 2 probes. The tests count attempts against these numbers.
 */
final class TestSettings {

    private TestSettings() {}

    static ResilienceProperties fiveInARow() {
        ResilienceProperties.Retry d = ResilienceProperties.Retry.defaults();
        return ResilienceProperties.defaults()
                .withRetry(new ResilienceProperties.Retry(3, d.firstBackoff(), d.maxBackoff(), d.jitter(),
                        d.maxRetryAfter()))
                .withCircuitBreaker(new ResilienceProperties.CircuitBreaker(5, 50, 20, 10, Duration.ofSeconds(30), 2));
    }
}
