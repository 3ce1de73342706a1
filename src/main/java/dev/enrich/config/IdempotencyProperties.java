package dev.enrich.config;

import static dev.enrich.config.Settings.require;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bind and validate {@code enrich.idempotency.*}: how long submissions are remembered by their
 * {@code Idempotency-Key}.
 *
 * @param ttl how long a completed submission's key answers with its first response (per tenant)
 * @param lease how long a key stays claimed by a request in progress without a sign of life; the request renews it
 *     while it runs, so only a crashed replica's claim runs out
 * @param maxKeys keys the in-memory backend holds at most (the oldest go first); the Redis backend holds each for
 *     {@code ttl}
 */
@ConfigurationProperties("enrich.idempotency")
public record IdempotencyProperties(
        @DefaultValue("24h") Duration ttl,
        @DefaultValue("1m") Duration lease,
        @DefaultValue("100000") int maxKeys) {

    public IdempotencyProperties {
        require(ttl.toMillis() > 0, "enrich.idempotency.ttl must be > 0, but was " + ttl);
        require(lease.toMillis() > 0, "enrich.idempotency.lease must be > 0, but was " + lease);
        require(maxKeys > 0, "enrich.idempotency.max-keys must be > 0, but was " + maxKeys);
    }
}
