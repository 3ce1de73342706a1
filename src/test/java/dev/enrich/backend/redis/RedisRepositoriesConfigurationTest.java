package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.config.EnrichProperties;
import dev.enrich.config.LimitsProperties;
import dev.enrich.job.BatchRepository;
import dev.enrich.job.JobRepository;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.StorageLimitException;
import dev.enrich.testing.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/** {@code enrich.backend=redis} wires the Redis repositories with the memory backend's caps; otherwise none. */
class RedisRepositoriesConfigurationTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
            .withUserConfiguration(Properties.class, RedisRepositoriesConfiguration.class)
            .withBean(ReactiveStringRedisTemplate.class, REDIS::template)
            .withBean(JsonMapper.class, Json::mapper);

    @Test
    void theRedisBackendGetsTheRedisRepositoriesWithTheConfiguredCaps() {
        runner.withPropertyValues("enrich.backend=redis", "enrich.limits.max-sessions-per-tenant=1")
                .run(context -> {
                    assertThat(context.getBean(JobRepository.class)).isInstanceOf(RedisJobRepository.class);
                    assertThat(context.getBean(BatchRepository.class)).isInstanceOf(RedisBatchRepository.class);
                    SessionRepository sessions = context.getBean(SessionRepository.class);
                    sessions.save(session("s1")).block(Duration.ofSeconds(10));
                    assertThatThrownBy(() -> sessions.save(session("s2")).block(Duration.ofSeconds(10)))
                            .isInstanceOfSatisfying(StorageLimitException.class,
                                    e -> assertThat(e.scope()).isEqualTo(StorageLimitException.Scope.TENANT));
                });
    }

    @Test
    void anotherBackendGetsNone() {
        runner.run(context -> assertThat(context).doesNotHaveBean(JobRepository.class)
                .doesNotHaveBean(SessionRepository.class).doesNotHaveBean(BatchRepository.class));
    }

    private static Session session(String id) {
        return new Session(id, "a", "T", null, null, List.of(), Instant.EPOCH);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({EnrichProperties.class, LimitsProperties.class})
    static class Properties {}
}
