package dev.enrich.backend.redis;

import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.health.DataRedisReactiveHealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Tell the orchestrator whether Redis answers, for {@code enrich.backend=redis}: a health indicator named
 * {@code redis} in the readiness group, and commands that fail within seconds while Redis hangs. Defaults (lowest
 * precedence, so any other source overrides them) come from {@code redis-backend.properties} next to this class:
 * {@code spring.data.redis.timeout=3s}, {@code spring.data.redis.connect-timeout=2s},
 * {@code management.endpoint.health.group.readiness.include=readinessState,redis,mediaStore}.
 *
 * <p>Spring Boot's own Redis indicator stays off ({@code management.health.redis.enabled=false} in application.yml)
 * because the memory backend has no Redis to report on; this one exists only with the Redis backend.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.backend", havingValue = "redis")
@PropertySource("classpath:dev/enrich/backend/redis/redis-backend.properties")
class RedisAvailabilityConfiguration {

    /** Check that blocking stream reads finish inside the command timeout, which they count against. */
    RedisAvailabilityConfiguration(DataRedisProperties redis, ObjectProvider<RedisQueueProperties> queue) {
        Duration timeout = redis.getTimeout();
        queue.ifAvailable(q -> {
            if (timeout != null && timeout.compareTo(q.blockTimeout()) <= 0) {
                throw new IllegalStateException("spring.data.redis.timeout must be above "
                        + "enrich.redis.queue.block-timeout " + q.blockTimeout() + ", but was " + timeout);
            }
        });
    }

    // Named redisHealthIndicator: the health endpoint reports it as "redis".
    @Bean
    ReactiveHealthIndicator redisHealthIndicator(ReactiveRedisConnectionFactory factory) {
        return new DataRedisReactiveHealthIndicator(factory);
    }
}
