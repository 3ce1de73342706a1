package dev.enrich.resilience;

import dev.enrich.config.ResilienceProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Provide the guards of every external dependency from {@code enrich.resilience.*}; the AI provider chain that uses
 * them is built in {@code dev.enrich.aichain.AiChainConfiguration}.
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
     * Report the AI key as health component {@code ai}: always UP (the service still enriches, on the basic path),
     * with detail {@code key = rejected} after a 401/403 until a call succeeds again, so operators see it without the
     * replica being taken out of service.
     */
    @Bean
    public HealthIndicator aiHealthIndicator(Dependencies dependencies) {
        return () -> dependencies.keyRejected()
                ? Health.up().withDetail("key", "rejected")
                        .withDetail("message", "AI key rejected: AI features need to be set up").build()
                : Health.up().withDetail("key", "not rejected").build();
    }
}
