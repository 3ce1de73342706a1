package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.config.LimitsProperties;
import dev.enrich.config.SecurityProperties;
import dev.enrich.pipeline.StageName;
import dev.enrich.progress.DurationModel;
import dev.enrich.security.TicketStore;
import dev.enrich.tenant.RequestQuota;
import java.time.Clock;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** {@code enrich.backend=redis} shares quotas, tickets and learned durations through Redis; otherwise none. */
class RedisSharedStateConfigurationTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
            .withUserConfiguration(Properties.class, RedisSharedStateConfiguration.class)
            .withBean(ReactiveStringRedisTemplate.class, REDIS::template)
            .withBean(Clock.class, Clock::systemUTC)
            .withBean(DurationModel.class, () -> new DurationModel(0.3));

    @Test
    void theRedisBackendSharesQuotasTicketsAndDurations() {
        runner.withPropertyValues("enrich.backend=redis", "enrich.limits.requests-per-second=1").run(context -> {
            RequestQuota quota = context.getBean(RequestQuota.class);
            assertThat(quota).isInstanceOf(RedisRequestQuota.class);
            assertThat(quota.tryAcquire("acme").block(Duration.ofSeconds(10)).allowed()).isTrue();
            assertThat(quota.tryAcquire("acme").block(Duration.ofSeconds(10)).allowed()).as("one per second")
                    .isFalse();
            assertThat(context.getBean(TicketStore.class)).isInstanceOf(RedisTicketStore.class);

            context.getBean(DurationModel.class).record(StageName.AUDIO, Duration.ofSeconds(2), null);
            Awaitility.await("the recorded duration shared").atMost(Duration.ofSeconds(10)).until(() -> "2"
                    .equals(REDIS.template().<String, String>opsForHash().get(RedisDurationSync.KEY, "audio:s")
                            .block(Duration.ofSeconds(10))));
        });
    }

    @Test
    void anotherBackendGetsNone() {
        runner.run(context -> assertThat(context).doesNotHaveBean(RequestQuota.class)
                .doesNotHaveBean(TicketStore.class).doesNotHaveBean(RedisDurationSync.class));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({LimitsProperties.class, SecurityProperties.class})
    static class Properties {}
}
