package dev.enrich.aichain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiConfiguration;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatReply;
import dev.enrich.ai.ChatRequest;
import dev.enrich.ai.DisabledAiProvider;
import dev.enrich.ai.Transcription;
import dev.enrich.backend.memory.InMemoryCostLedger;
import dev.enrich.cost.AiMetering;
import dev.enrich.cost.Budgets;
import dev.enrich.cost.CostProperties;
import dev.enrich.cost.ModelNames;
import dev.enrich.cost.PriceTable;
import dev.enrich.resilience.Dependencies;
import dev.enrich.resilience.ResilienceConfiguration;
import dev.enrich.resilience.ResilientAiProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;

/** The stages get one provider: the guarded, metered HTTP client, built in one place. */
class AiChainConfigurationTest {

    private static final InMemoryCostLedger LEDGER = new InMemoryCostLedger(1_000, 1_000, 400);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
                    JacksonAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withBean(AiMetering.class, () -> metering(new SimpleMeterRegistry()))
            .withUserConfiguration(AiConfiguration.class, ResilienceConfiguration.class, AiChainConfiguration.class);

    @Test
    void withoutABaseUrlTheOnlyProviderIsDisabled() {
        runner.run(context -> {
            assertThat(context.getBeansOfType(AiProvider.class)).hasSize(1);
            assertThat(context.getBean(AiProvider.class)).isInstanceOf(DisabledAiProvider.class)
                    .satisfies(provider -> assertThat(provider.enabled()).isFalse());
        });
    }

    @Test
    void withABaseUrlTheOnlyProviderIsTheGuardedChain() {
        runner.withPropertyValues("enrich.ai.base-url=http://127.0.0.1:11434/v1", "enrich.ai.api-key=sk-x",
                        "enrich.resilience.retry.max-retries=5")
                .run(context -> {
                    assertThat(context.getBeansOfType(AiProvider.class)).hasSize(1);
                    assertThat(context.getBean(AiProvider.class)).isInstanceOf(ResilientAiProvider.class)
                            .satisfies(provider -> assertThat(provider.enabled()).isTrue());
                    assertThat(context.getBean(Dependencies.class).settings().retry().maxRetries()).isEqualTo(5);
                });
    }

    @Test
    void closingTheChainClosesTheProviderItWraps() {
        AtomicInteger closed = new AtomicInteger();
        AiProvider http = new AiProvider() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public Mono<Transcription> transcribe(AiCall call, Path wav, double offsetSeconds) {
                return Mono.never();
            }

            @Override
            public Mono<ChatReply> chat(AiCall call, ChatRequest request) {
                return Mono.never();
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        };
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AiProvider metered = metering(meters).meter(http, new ModelNames("t", Map.of()));
        AiProvider chain = new ResilientAiProvider(metered, new Dependencies(
                dev.enrich.config.ResilienceProperties.defaults(), meters, Clock.systemUTC()));

        chain.close();

        assertThat(closed).hasValue(1);
    }

    private static AiMetering metering(MeterRegistry meters) {
        CostProperties props = CostProperties.defaults();
        Clock clock = Clock.systemUTC();
        return new AiMetering(PriceTable.of(props), new Budgets(props.budgets(), LEDGER, clock), LEDGER, meters,
                clock);
    }
}
