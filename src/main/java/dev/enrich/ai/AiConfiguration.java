package dev.enrich.ai;

import dev.enrich.config.AiProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Provide the {@link AiProvider}: the OpenAI-compatible client when {@code enrich.ai.base-url} is set, else a disabled
 * one.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AiProperties.class)
public class AiConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AiConfiguration.class);

    /** Return the provider; Spring closes it (and its connection pool) on shutdown. */
    @Bean
    public AiProvider aiProvider(AiProperties properties, ObjectProvider<WebClient.Builder> builders) {
        if (!properties.enabled()) {
            log.info("AI provider off (enrich.ai.base-url is empty): local processing only");
            return new DisabledAiProvider();
        }
        log.info("AI provider on: {} ({})", properties.baseUrl(),
                properties.apiKey().isEmpty() ? "no API key" : "API key set");
        return new OpenAiCompatibleProvider(properties, builders.getIfAvailable(WebClient::builder));
    }

    /**
     * Mask API keys ({@code enrich.ai.api-key}, {@code ENRICH_AI_API_KEY}, {@code apiKey}) in actuator's env and
     * configprops output, even when {@code management.endpoint.*.show-values} is turned up to {@code always}.
     */
    @Bean
    public SanitizingFunction apiKeySanitizer() {
        return data -> data.getLowerCaseKey().replaceAll("[^a-z0-9]", "").endsWith("apikey")
                ? data.withSanitizedValue() : data;
    }
}
