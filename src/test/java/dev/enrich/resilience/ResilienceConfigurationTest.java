package dev.enrich.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Configure the guards from {@code enrich.resilience.*} (the chain using them: {@code AiChainConfigurationTest}). */
class ResilienceConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withUserConfiguration(ResilienceConfiguration.class);

    @Test
    void guardsAreConfiguredFromProperties() {
        runner.withPropertyValues("enrich.resilience.retry.max-retries=5",
                        "enrich.resilience.circuit-breaker.wait-in-open=10s")
                .run(context -> {
                    assertThat(context.getBean(Dependencies.class).settings().retry().maxRetries()).isEqualTo(5);
                    assertThat(context.getBean(Dependencies.class).settings().circuitBreaker().waitInOpen())
                            .hasSeconds(10);
                });
    }

    @Test
    void invalidSettingsStopTheContext() {
        runner.withPropertyValues("enrich.resilience.max-concurrent-calls=-1")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessage("enrich.resilience.max-concurrent-calls must be > 0, but was -1"));
    }
}
