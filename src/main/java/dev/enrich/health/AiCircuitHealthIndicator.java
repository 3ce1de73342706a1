package dev.enrich.health;

import dev.enrich.config.AiProperties;
import dev.enrich.resilience.Dependencies;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Report the AI provider's circuit breakers, as {@code aiCircuit}: {@code UP} while every breaker is closed (or the
 * provider is off), {@link #DEGRADED} while one is open or half open, that is while AI calls are refused or probed
 * and the stages fall back to local processing. Informative only: not in the readiness group (a replica without its
 * AI provider still serves), and {@code DEGRADED} answers 200 at {@code /actuator/health}; the order of statuses in
 * application.yml puts it between DOWN and UP.
 */
@Component
final class AiCircuitHealthIndicator implements ReactiveHealthIndicator {

    /** The AI provider fails: its calls are refused for a while, and AI stages fall back to local processing. */
    static final Status DEGRADED = new Status("DEGRADED", "The AI service is failing; AI stages use local processing");

    private static final List<String> BREAKERS = List.of(Dependencies.AI_CHAT, Dependencies.AI_TRANSCRIPTION);

    private final Dependencies dependencies;
    private final boolean enabled;

    AiCircuitHealthIndicator(Dependencies dependencies, AiProperties ai) {
        this.dependencies = dependencies;
        this.enabled = ai.enabled();
    }

    @Override
    public Mono<Health> health() {
        return Mono.fromSupplier(this::report);
    }

    private Health report() {
        if (!enabled) {
            return Health.up().withDetail("provider", "off").build();
        }
        Map<String, String> states = new LinkedHashMap<>();
        boolean failing = false;
        for (String name : BREAKERS) {
            CircuitBreaker.State state = dependencies.breaker(name).getState();
            states.put(name, state.name());
            failing |= state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN
                    || state == CircuitBreaker.State.HALF_OPEN;
        }
        return Health.status(failing ? DEGRADED : Status.UP).withDetails(states).build();
    }
}
