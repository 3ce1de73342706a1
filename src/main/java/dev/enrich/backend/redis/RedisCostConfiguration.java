package dev.enrich.backend.redis;

import dev.enrich.config.AiProperties;
import dev.enrich.cost.CostLedger;
import dev.enrich.cost.CostProperties;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wire the Redis cost ledger for {@code enrich.backend=redis}, with the in-memory ledger's bounds
 * ({@code enrich.cost.ledger.*}). A reservation expires after {@link #holdFor}, derived from the AI timeouts.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.backend", havingValue = "redis")
class RedisCostConfiguration {

    /** The shortest hold of a reservation, whatever the AI timeouts. */
    static final Duration MIN_HOLD = Duration.ofMinutes(15);

    @Bean
    CostLedger costLedger(ReactiveStringRedisTemplate redis, JsonMapper json, CostProperties props, AiProperties ai,
            Clock clock) {
        return new RedisCostLedger(redis, json, clock, props.ledger(), holdFor(ai));
    }

    /**
     * Return how long a reservation is held: twice the longest a call may wait for a connection and then for its
     * response (the response timeout bounds silence, not the whole call), at least {@link #MIN_HOLD}.
     */
    static Duration holdFor(AiProperties ai) {
        Duration twice = ai.connectTimeout().plus(ai.responseTimeout()).multipliedBy(2);
        return twice.compareTo(MIN_HOLD) > 0 ? twice : MIN_HOLD;
    }
}
