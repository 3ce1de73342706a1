package dev.enrich.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiProvider;
import dev.enrich.ai.DisabledAiProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Put the guards in front of the metered provider, configured from {@code enrich.resilience.*}. */
class ResilienceConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withUserConfiguration(ResilienceConfiguration.class);

    @Test
    void stagesGetTheGuardedProviderWrappingTheMeteredOne() {
        ScriptedAiProvider metered = new ScriptedAiProvider();
        runner.withBean("meteredAiProvider", AiProvider.class, () -> metered, d -> d.setPrimary(false))
                .withPropertyValues("enrich.resilience.retry.max-retries=5",
                        "enrich.resilience.circuit-breaker.wait-in-open=10s")
                .run(context -> {
                    assertThat(context.getBean(AiProvider.class)).isInstanceOf(ResilientAiProvider.class);
                    assertThat(context.getBean(Dependencies.class).settings().retry().maxRetries()).isEqualTo(5);
                    assertThat(context.getBean(Dependencies.class).settings().circuitBreaker().waitInOpen())
                            .hasSeconds(10);
                });
    }

    @Test
    void aDisabledProviderIsPassedThrough() {
        runner.withBean("meteredAiProvider", AiProvider.class, DisabledAiProvider::new)
                .run(context -> assertThat(context.getBean("resilientAiProvider"))
                        .isInstanceOf(DisabledAiProvider.class));
    }

    @Test
    void invalidSettingsStopTheContext() {
        runner.withBean("meteredAiProvider", AiProvider.class, ScriptedAiProvider::new)
                .withPropertyValues("enrich.resilience.max-concurrent-calls=-1")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessage("enrich.resilience.max-concurrent-calls must be > 0, but was -1"));
    }
}
