package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.config.EnrichProperties;
import dev.enrich.queue.JobQueue;
import dev.enrich.testing.RedisServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** Wire the Redis queue as the JobQueue only for {@code enrich.backend=redis}, from {@code enrich.redis.queue.*}. */
class RedisQueueConfigurationTest {

    @TempDir
    Path dir;

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(EnrichProperties.class)
    static class Properties {}

    private ApplicationContextRunner runner(LettuceConnectionFactory factory) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
                .withBean(ReactiveRedisConnectionFactory.class, () -> factory)
                .withUserConfiguration(Properties.class, RedisQueueConfiguration.class);
    }

    @Test
    void theRedisBackendGetsTheRedisQueueConfiguredFromProperties() {
        try (RedisServer redis = RedisServer.start(dir, false)) {
            LettuceConnectionFactory factory = redis.connect();
            try {
                runner(factory).withPropertyValues("enrich.backend=redis", "enrich.pool.queue-capacity=7",
                                "enrich.redis.queue.consumer=pod-1", "enrich.redis.queue.key-prefix=q")
                        .run(context -> {
                            JobQueue queue = context.getBean(JobQueue.class);
                            assertThat(queue).isInstanceOf(RedisJobQueue.class);
                            assertThat(queue.capacity()).isEqualTo(7);
                            assertThat(context.getBean(RedisQueueProperties.class).consumer()).isEqualTo("pod-1");
                            assertThat(redis.command("EXISTS q:interactive")).isEqualTo(":1");
                        });
                runner(factory).run(context -> assertThat(context).doesNotHaveBean(JobQueue.class));
                runner(factory).withPropertyValues("enrich.backend=redis", "enrich.redis.queue.max-deliveries=0")
                        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                                .hasMessage("enrich.redis.queue.max-deliveries must be > 0, but was 0"));
            } finally {
                factory.destroy();
            }
        }
    }
}
