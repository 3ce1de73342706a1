package dev.enrich.backend.redis;

import dev.enrich.config.EnrichProperties;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/** Wire the Redis job queue as the {@link dev.enrich.queue.JobQueue}: {@code enrich.backend=redis}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.backend", havingValue = "redis")
@EnableConfigurationProperties(RedisQueueProperties.class)
class RedisQueueConfiguration {

    @Bean(destroyMethod = "close")
    RedisJobQueue jobQueue(ReactiveRedisConnectionFactory factory, EnrichProperties props,
            RedisQueueProperties settings) {
        RedisQueueProperties named = settings.consumer().isBlank() ? settings.withConsumer(defaultConsumer()) : settings;
        RedisJobQueue queue = new RedisJobQueue(factory, props.pool().queueCapacity(), props.pool().interactiveBurst(),
                named);
        queue.start(); // also opens Lettuce's shared connection now, so no first use waits on an event loop
        return queue;
    }

    /** Stop the queue's timers and blocking reads after the drain, while the connection factory still runs. */
    @Bean
    StopBeforeRedis jobQueueStop(RedisJobQueue queue) {
        return new StopBeforeRedis(queue::close);
    }

    /** The pod name in Kubernetes; a random name elsewhere (its pending entries are taken over after a restart). */
    private static String defaultConsumer() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "enrich-" + UUID.randomUUID() : host;
    }
}
