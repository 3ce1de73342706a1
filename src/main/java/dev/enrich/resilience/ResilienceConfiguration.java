package dev.enrich.resilience;

import dev.enrich.config.AiProperties;
import dev.enrich.config.ResilienceProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Provide the guards of every external dependency from {@code enrich.resilience.*}; the AI provider chain that uses
 * them is built in {@code dev.enrich.aichain.AiChainConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
// AiProperties too: the health indicator reads whether a provider is set up (registered once with AiConfiguration's).
@EnableConfigurationProperties({ResilienceProperties.class, AiProperties.class})
public class ResilienceConfiguration {

    /** Return the guards of every external dependency. */
    @Bean
    public Dependencies dependencies(ResilienceProperties properties, MeterRegistry meters,
            ObjectProvider<Clock> clock) {
        return new Dependencies(properties, meters, clock.getIfAvailable(Clock::systemUTC));
    }

    /**
     * Report the AI provider's breakers and key as health component {@code ai} (DEGRADED, still 200, while calls are
     * refused or the key is rejected; never in readiness).
     */
    @Bean
    public ReactiveHealthIndicator aiHealthIndicator(Dependencies dependencies, AiProperties ai) {
        return new AiHealthIndicator(dependencies, ai.enabled());
    }
}
