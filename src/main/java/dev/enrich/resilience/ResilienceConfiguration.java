package dev.enrich.resilience;

import dev.enrich.config.ResilienceProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
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
}
