package dev.enrich.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.config.AiProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

/** Bind and validate {@code enrich.ai.*}. */
class AiPropertiesTest {

    @Test
    void defaultsLeaveTheProviderOff() {
        AiProperties properties = bind(Map.of());

        assertThat(properties.enabled()).isFalse();
        assertThat(properties.baseUrl()).isEmpty();
        assertThat(properties.apiKey()).isEmpty();
        assertThat(properties.models()).isEqualTo(AiProperties.Models.defaults());
        assertThat(properties.models().transcription()).isEqualTo("whisper-1");
        assertThat(properties.models().summary()).isEqualTo("gpt-4o-mini");
        assertThat(properties.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(properties.responseTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(properties.maxUploadSize()).isEqualTo(DataSize.ofMegabytes(24));
        assertThat(properties.maxImagesPerCall()).isEqualTo(4);
        assertThat(properties).isEqualTo(AiProperties.of("", ""));
    }

    @Test
    void bindsEverySetting() {
        AiProperties properties = bind(Map.of("enrich.ai.base-url", "http://127.0.0.1:11434/v1/",
                "enrich.ai.api-key", " sk-abc\n", "enrich.ai.models.vision", "llava", "enrich.ai.response-timeout",
                "2m", "enrich.ai.max-upload-size", "10MB", "enrich.ai.max-images-per-call", "2"));

        assertThat(properties.enabled()).isTrue();
        assertThat(properties.baseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
        assertThat(properties.apiKey()).isEqualTo("sk-abc");
        assertThat(properties.models().vision()).isEqualTo("llava");
        assertThat(properties.models().canvas()).isEqualTo("gpt-4o-mini");
        assertThat(properties.responseTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(properties.maxUploadSize()).isEqualTo(DataSize.ofMegabytes(10));
        assertThat(properties.maxImagesPerCall()).isEqualTo(2);
    }

    @Test
    void apiKeyAndBaseUrlBindFromEnvironmentVariables() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("env", Map.of(
                "ENRICH_AI_API_KEY", "sk-from-env", "ENRICH_AI_BASE_URL", "https://api.openai.com/v1")));

        AiProperties properties = Binder.get(environment).bindOrCreate("enrich.ai", AiProperties.class);

        assertThat(properties.apiKey()).isEqualTo("sk-from-env");
        assertThat(properties.baseUrl()).isEqualTo("https://api.openai.com/v1");
    }

    @Test
    void invalidSettingsSayWhatWasWrong() {
        assertThatThrownBy(() -> bind(Map.of("enrich.ai.response-timeout", "0s")))
                .rootCause().hasMessage("enrich.ai.response-timeout must be > 0, but was PT0S");
        assertThatThrownBy(() -> bind(Map.of("enrich.ai.max-images-per-call", "0")))
                .rootCause().hasMessage("enrich.ai.max-images-per-call must be > 0, but was 0");
        assertThatThrownBy(() -> bind(Map.of("enrich.ai.base-url", "ftp://example.com")))
                .rootCause().hasMessage("enrich.ai.base-url must be an http(s) URL without a query, but was "
                        + "ftp://example.com");
        assertThatThrownBy(() -> bind(Map.of("enrich.ai.models.summary", " ")))
                .rootCause().hasMessage("enrich.ai.models.summary must not be blank");
    }

    @Test
    void credentialsInTheBaseUrlAreRejectedWithoutEchoingThem() {
        assertThatThrownBy(() -> AiProperties.of("https://user:sk-secret@example.com/v1", ""))
                .hasMessage("enrich.ai.base-url must not contain credentials; set enrich.ai.api-key instead")
                .hasNoCause();
    }

    private static AiProperties bind(Map<String, String> values) {
        return new Binder(ConfigurationPropertySources.from(new MapPropertySource("test", Map.copyOf(values))))
                .bindOrCreate("enrich.ai", AiProperties.class);
    }
}
