package dev.enrich.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * Leave Spring Security's per-filter observations off: every request, and every open event stream for as long as it
 * stays open, would hold about a dozen observation objects (four contexts of three maps each) that say nothing the
 * {@code http.server.requests} observation does not. Authentication failures are still answered and counted there.
 */
@Configuration(proxyBeanMethods = false)
class SecurityObservationConfiguration {

    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }
}
