package dev.enrich.ai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Wire the provider from {@code enrich.ai.*}. */
class AiConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
            .withUserConfiguration(AiConfiguration.class);

    @Test
    void withoutABaseUrlTheProviderIsDisabled() {
        runner.run(context -> assertThat(context.getBean(AiProvider.class))
                .isInstanceOf(DisabledAiProvider.class)
                .satisfies(provider -> assertThat(provider.enabled()).isFalse()));
    }

    @Test
    void withABaseUrlTheOpenAiCompatibleClientIsUsed() {
        runner.withPropertyValues("enrich.ai.base-url=http://127.0.0.1:11434/v1", "enrich.ai.api-key=sk-x")
                .run(context -> assertThat(context.getBean(AiProvider.class))
                        .isInstanceOf(OpenAiCompatibleProvider.class)
                        .satisfies(provider -> assertThat(provider.enabled()).isTrue()));
    }

    @Test
    void invalidSettingsStopTheContext() {
        runner.withPropertyValues("enrich.ai.base-url=http://127.0.0.1:11434/v1", "enrich.ai.max-images-per-call=-1")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessage("enrich.ai.max-images-per-call must be > 0, but was -1"));
    }
}
