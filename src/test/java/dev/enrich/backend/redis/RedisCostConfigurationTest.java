package dev.enrich.backend.redis;

import static dev.enrich.cost.CostEntries.chat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.config.AiProperties;
import dev.enrich.cost.CostEntry;
import dev.enrich.cost.CostLedger;
import dev.enrich.cost.CostProperties;
import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/** {@code enrich.backend=redis} wires the Redis cost ledger with the configured bounds; otherwise none. */
class RedisCostConfigurationTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
            .withUserConfiguration(Properties.class, RedisCostConfiguration.class)
            .withBean(ReactiveStringRedisTemplate.class, REDIS::template)
            .withBean(JsonMapper.class, Json::mapper)
            .withBean(Clock.class, Clock::systemUTC);

    @Test
    void theRedisBackendGetsTheRedisLedgerWithTheConfiguredBounds() {
        runner.withPropertyValues("enrich.backend=redis", "enrich.cost.ledger.max-entries=1").run(context -> {
            CostLedger ledger = context.getBean(CostLedger.class);
            assertThat(ledger).isInstanceOf(RedisCostLedger.class);
            String now = Instant.now().toString();
            Flux.just(chat("t", "a", StageName.SUMMARY, "m", "1", now), chat("t", "b", StageName.SUMMARY, "m", "1", now))
                    .concatMap(ledger::record).blockLast(WAIT);
            assertThat(ledger.since(Instant.EPOCH).collectList().block(WAIT)).extracting(CostEntry::sessionId)
                    .containsExactly("b");
        });
    }

    @Test
    void anotherBackendGetsNone() {
        runner.run(context -> assertThat(context).doesNotHaveBean(CostLedger.class));
    }

    @Test
    void reservationsAreHeldForTwiceTheLongestCallAndAtLeastTheMinimum() {
        AiProperties defaults = AiProperties.of("", "");
        assertThat(RedisCostConfiguration.holdFor(defaults)).isEqualTo(RedisCostConfiguration.MIN_HOLD);
        assertThat(RedisCostConfiguration.holdFor(defaults.withTimeouts(Duration.ofSeconds(5), Duration.ofMinutes(10))))
                .isEqualTo(Duration.ofSeconds(1210));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({CostProperties.class, AiProperties.class})
    static class Properties {}
}
