package dev.enrich.ai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Bind {@code enrich.ai.*} (the provider chain itself: {@code AiChainConfigurationTest}). */
class AiConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
            .withUserConfiguration(AiConfiguration.class);

    @Test
    void invalidSettingsStopTheContext() {
        runner.withPropertyValues("enrich.ai.base-url=http://127.0.0.1:11434/v1", "enrich.ai.max-images-per-call=-1")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessage("enrich.ai.max-images-per-call must be > 0, but was -1"));
    }
}
