package dev.enrich.backend.redis;

import dev.enrich.config.EnrichProperties;
import dev.enrich.config.LimitsProperties;
import dev.enrich.job.BatchRepository;
import dev.enrich.retention.ExpiryIndex;
import dev.enrich.session.MediaUsage;
import dev.enrich.session.SessionRepository;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wire the Redis repositories for {@code enrich.backend=redis}, with the same caps as the in-memory backend
 * ({@code enrich.memory.max-sessions}, {@code enrich.memory.max-jobs} and the per-tenant {@code enrich.limits.*}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.backend", havingValue = "redis")
class RedisRepositoriesConfiguration {

    @Bean
    SessionRepository sessionRepository(ReactiveStringRedisTemplate redis, JsonMapper json, EnrichProperties props,
            LimitsProperties limits) {
        return new RedisSessionRepository(redis, json, props.memory().maxSessions(), limits.maxSessionsPerTenant());
    }

    @Bean
    RedisJobRepository jobRepository(ReactiveStringRedisTemplate redis, JsonMapper json, EnrichProperties props,
            LimitsProperties limits) {
        return new RedisJobRepository(redis, json, props.memory().maxJobs(), limits.maxJobsPerTenant());
    }

    @Bean
    BatchRepository batchRepository(ReactiveStringRedisTemplate redis, JsonMapper json) {
        return new RedisBatchRepository(redis, json);
    }

    @Bean
    MediaUsage mediaUsage(ReactiveStringRedisTemplate redis) {
        return new RedisMediaUsage(redis);
    }

    @Bean
    ExpiryIndex expiryIndex(ReactiveStringRedisTemplate redis) {
        return new RedisExpiryIndex(redis);
    }
}
