package dev.enrich.resilience;

import dev.enrich.config.ResilienceProperties;
import java.time.Duration;

/** Give resilience tests the breaker the issue describes: 5 in a row or 50 % of 20 (at least 10), 30 s, 2 probes. */
final class TestSettings {

    private TestSettings() {}

    static ResilienceProperties fiveInARow() {
        return ResilienceProperties.defaults().withCircuitBreaker(
                new ResilienceProperties.CircuitBreaker(5, 50, 20, 10, Duration.ofSeconds(30), 2));
    }
}
