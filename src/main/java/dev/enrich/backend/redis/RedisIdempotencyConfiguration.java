package dev.enrich.backend.redis;

import dev.enrich.idempotency.IdempotencyStore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Share Idempotency-Keys across the fleet in Redis, for {@code enrich.backend=redis}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.backend", havingValue = "redis")
class RedisIdempotencyConfiguration {

    @Bean
    IdempotencyStore idempotencyStore(ReactiveStringRedisTemplate redis, JsonMapper json) {
        return new RedisIdempotencyStore(redis, json);
    }
}
