package dev.enrich.ai;

import dev.enrich.config.AiProperties;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Bind {@code enrich.ai.*} and keep its API key out of actuator output. The provider chain the stages call is built in
 * {@code dev.enrich.aichain.AiChainConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AiProperties.class)
public class AiConfiguration {

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
