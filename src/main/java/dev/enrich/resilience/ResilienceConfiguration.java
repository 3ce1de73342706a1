package dev.enrich.resilience;

import dev.enrich.ai.AiProvider;
import dev.enrich.config.ResilienceProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Put the resilience guards in front of the metered AI provider, so the stages call
 * Retry → CircuitBreaker → Bulkhead → TimeLimiter → metering (budgets, cost) → HTTP client, and every attempt is
 * metered and budget-checked on its own.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ResilienceProperties.class)
public class ResilienceConfiguration {

    /** Return the guards of every external dependency. */
    @Bean
    public Dependencies dependencies(ResilienceProperties properties, MeterRegistry meters,
            ObjectProvider<Clock> clock) {
        return new Dependencies(properties, meters, clock.getIfAvailable(Clock::systemUTC));
    }

    /**
     * Return the provider the stages use: {@code meteredAiProvider} behind retries, breakers, bulkheads and time
     * limits. A disabled provider is passed through untouched.
     */
    @Bean
    @Primary
    public AiProvider resilientAiProvider(@Qualifier("meteredAiProvider") AiProvider metered,
            Dependencies dependencies) {
        if (!metered.enabled()) {
            return metered;
        }
        return new ResilientAiProvider(metered, dependencies);
    }
}
