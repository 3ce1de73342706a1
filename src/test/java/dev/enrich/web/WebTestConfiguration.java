package dev.enrich.web;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Add {@link StreamSwitch} to cut event streams server-side. The page's strict Content-Security-Policy comes from the
 * service's own security chain, so the browser tests fail on inline scripts, inline styles or foreign hosts.
 */
@TestConfiguration(proxyBeanMethods = false)
class WebTestConfiguration {

    @Bean
    StreamSwitch streamSwitch() {
        return new StreamSwitch();
    }
}
