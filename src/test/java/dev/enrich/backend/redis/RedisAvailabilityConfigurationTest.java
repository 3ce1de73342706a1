package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@code enrich.backend=redis} reports Redis as {@code redis} in readiness and fails commands within seconds, by
 * default below every other source; a command timeout the queue's blocking reads would hit is refused at startup.
 */
class RedisAvailabilityConfigurationTest {

    @TempDir
    Path dir;

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({DataRedisProperties.class, RedisQueueProperties.class})
    static class Properties {}

    private ApplicationContextRunner runner(LettuceConnectionFactory factory) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
                .withBean(ReactiveRedisConnectionFactory.class, () -> factory)
                .withUserConfiguration(Properties.class, RedisAvailabilityConfiguration.class);
    }

    @Test
    void theRedisBackendReportsRedisInReadinessAndTimesCommandsOut() {
        try (RedisServer redis = RedisServer.start(dir, false)) {
            LettuceConnectionFactory factory = redis.connect();
            try {
                runner(factory).withPropertyValues("enrich.backend=redis").run(context -> {
                    ReactiveHealthIndicator indicator = context.getBean("redisHealthIndicator",
                            ReactiveHealthIndicator.class);
                    assertThat(indicator.health().block(Duration.ofSeconds(10)).getStatus()).isEqualTo(Status.UP);
                    assertThat(context.getEnvironment().getProperty("management.endpoint.health.group.readiness"
                            + ".include")).isEqualTo("readinessState,redis,mediaStore");
                    assertThat(context.getBean(DataRedisProperties.class).getTimeout()).hasSeconds(3);
                    assertThat(context.getBean(DataRedisProperties.class).getConnectTimeout()).hasSeconds(2);
                });
                runner(factory).withPropertyValues("enrich.backend=redis", "spring.data.redis.timeout=10s")
                        .run(context -> assertThat(context.getBean(DataRedisProperties.class).getTimeout())
                                .hasSeconds(10));
                runner(factory).run(context -> {
                    assertThat(context).doesNotHaveBean(ReactiveHealthIndicator.class);
                    assertThat(context.getEnvironment().getProperty("spring.data.redis.timeout")).isNull();
                });
            } finally {
                factory.destroy();
            }
        }
    }

    @Test
    void aCommandTimeoutNotAboveTheQueuesBlockingReadIsRefused() {
        runner(new LettuceConnectionFactory()).withPropertyValues("enrich.backend=redis",
                        "spring.data.redis.timeout=2s", "enrich.redis.queue.block-timeout=2s")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessage(
                        "spring.data.redis.timeout must be above enrich.redis.queue.block-timeout PT2S, but was PT2S"));
    }
}
