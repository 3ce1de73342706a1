package dev.enrich.aichain;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatRequest;
import dev.enrich.ai.DisabledAiProvider;
import dev.enrich.ai.OpenAiCompatibleProvider;
import dev.enrich.config.AiProperties;
import dev.enrich.cost.AiMetering;
import dev.enrich.cost.ModelNames;
import dev.enrich.resilience.Dependencies;
import dev.enrich.resilience.ResilientAiProvider;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Build the one {@link AiProvider} of the application, outermost first: Retry → CircuitBreaker → Bulkhead →
 * TimeLimiter ({@link ResilientAiProvider}) → budgets and cost ({@code AiMetering}) → the OpenAI-compatible HTTP
 * client. Every attempt is metered and budget-checked on its own. Replies are cached per job above this chain, by the
 * stages ({@code AiCache}).
 */
@Configuration(proxyBeanMethods = false)
public class AiChainConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AiChainConfiguration.class);

    /**
     * Return the provider the stages call: the guarded, metered HTTP client when {@code enrich.ai.base-url} is set,
     * else a disabled one (nothing is called, nothing is charged). The HTTP client writes and reads JSON with the
     * application's {@code json} mapper. Spring closes it on shutdown, which closes the HTTP client's connection pool.
     */
    @Bean
    public AiProvider aiProvider(AiProperties properties, ObjectProvider<WebClient.Builder> builders, JsonMapper json,
            AiMetering metering, Dependencies dependencies) {
        if (!properties.enabled()) {
            log.info("AI provider off (enrich.ai.base-url is empty): local processing only");
            return new DisabledAiProvider();
        }
        log.info("AI provider on: {} ({})", properties.baseUrl(),
                properties.apiKey().isEmpty() ? "no API key" : "API key set");
        AiProvider http = new OpenAiCompatibleProvider(properties, builders.getIfAvailable(WebClient::builder),
                json);
        AiProvider metered = metering.meter(http, modelNames(properties.models()));
        return new ResilientAiProvider(metered, dependencies);
    }

    /** The stages' cache of AI replies, per job and input: a retried or repeated request costs one call. */
    @Bean
    public AiCache aiCache() {
        return new AiCache(10_000);
    }

    private static ModelNames modelNames(AiProperties.Models m) {
        return new ModelNames(m.transcription(), Map.of(ChatRequest.Task.SUMMARY, m.summary(),
                ChatRequest.Task.VISION, m.vision(), ChatRequest.Task.CANVAS, m.canvas()));
    }
}
