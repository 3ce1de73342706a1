package dev.enrich.web;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.WebFilter;

/**
 * Serve the page the way production will: the strict Content-Security-Policy on every non-API response, so the
 * browser tests fail on inline scripts, inline styles or foreign hosts. Adds {@link StreamSwitch} to cut event
 * streams server-side.
 */
@TestConfiguration(proxyBeanMethods = false)
class WebTestConfiguration {

    /** The policy the server applies to the page (issue 7). */
    static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; frame-src 'self' blob:; connect-src 'self'; object-src 'none'; "
            + "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    @Bean
    WebFilter strictPagePolicy() {
        return (exchange, chain) -> {
            if (!exchange.getRequest().getPath().value().startsWith("/api/")) {
                HttpHeaders headers = exchange.getResponse().getHeaders();
                headers.set("Content-Security-Policy", PAGE_POLICY);
                headers.set("X-Content-Type-Options", "nosniff");
            }
            return chain.filter(exchange);
        };
    }

    @Bean
    StreamSwitch streamSwitch() {
        return new StreamSwitch();
    }
}
