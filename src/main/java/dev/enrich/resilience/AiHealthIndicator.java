package dev.enrich.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import reactor.core.publisher.Mono;

/**
 * Report the AI provider as health component {@code ai}: {@code UP} while its key is accepted and every circuit
 * breaker is closed (or the provider is off); {@link #DEGRADED} while a breaker is open or half open (AI calls are
 * refused or probed) or after the provider rejected the key (401/403, until a call succeeds again): the AI stages
 * then use local processing. Details: each breaker's state and {@code key}. Informative only: not in the readiness
 * group (a replica without its AI provider still serves), and {@code DEGRADED} answers 200 at
 * {@code /actuator/health}; the order of statuses in application.yml puts it between DOWN and UP.
 */
final class AiHealthIndicator implements ReactiveHealthIndicator {

    /** The AI provider fails or refuses the key: AI stages fall back to local processing. */
    static final Status DEGRADED = new Status("DEGRADED", "The AI service is failing; AI stages use local processing");

    private static final List<String> BREAKERS = List.of(Dependencies.AI_CHAT, Dependencies.AI_TRANSCRIPTION);

    private final Dependencies dependencies;
    private final boolean enabled;

    AiHealthIndicator(Dependencies dependencies, boolean enabled) {
        this.dependencies = dependencies;
        this.enabled = enabled;
    }

    @Override
    public Mono<Health> health() {
        return Mono.fromSupplier(this::report);
    }

    private Health report() {
        if (!enabled) {
            return Health.up().withDetail("provider", "off").build();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        boolean failing = false;
        for (String name : BREAKERS) {
            CircuitBreaker.State state = dependencies.breaker(name).getState();
            details.put(name, state.name());
            failing |= state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN
                    || state == CircuitBreaker.State.HALF_OPEN;
        }
        boolean rejected = dependencies.keyRejected();
        details.put("key", rejected ? "rejected" : "accepted");
        if (rejected) {
            details.put("message", "AI key rejected: AI features need to be set up");
        }
        return Health.status(failing || rejected ? DEGRADED : Status.UP).withDetails(details).build();
    }
}
