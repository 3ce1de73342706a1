package dev.enrich.testing;

import dev.enrich.config.SecurityProperties;
import dev.enrich.security.ApiKeySource;
import dev.enrich.security.ApiKeys;
import java.util.EnumSet;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.webtestclient.autoconfigure.WebTestClientBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;

/**
 * Sign every test's {@code WebTestClient} in: one API key for tenant "default" with both roles, sent by default.
 * Tests about authentication itself turn it off with {@code enrich.test.default-key=false} and bring their own keys.
 * Registered for all test contexts in {@code META-INF/spring/...AutoConfiguration.imports} under src/test/resources.
 */
@AutoConfiguration
@ConditionalOnProperty(name = "enrich.test.default-key", havingValue = "true", matchIfMissing = true)
public class TestAuthAutoConfiguration {

    /** The key; also for clients built by hand ({@code SseClient}). */
    public static final String KEY = "test-key-for-tenant-default";

    /** The header value that goes with {@link #KEY}. */
    public static final String BEARER = "Bearer " + KEY;

    @Bean
    ApiKeySource testApiKey() {
        return () -> List.of(new SecurityProperties.ApiKey(ApiKeys.sha256(KEY), "default",
                EnumSet.allOf(SecurityProperties.Role.class), "test-key"));
    }

    @Bean
    WebTestClientBuilderCustomizer signedIn() {
        return builder -> builder.defaultHeader(HttpHeaders.AUTHORIZATION, BEARER);
    }
}
