package dev.enrich.client;

import dev.enrich.testing.TestAuthAutoConfiguration;
import java.time.Duration;

/** Build SDK clients for the tests, signed in as the test user (tenant "default"). */
final class Clients {

    /** Quick reconnects, many in a row: the proxy refuses connections for a while on purpose. */
    static final RetryPolicy QUICK = new RetryPolicy(100, Duration.ofMillis(20), Duration.ofMillis(200),
            Duration.ofSeconds(10));

    private Clients() {}

    /** Return a builder for the service on {@code port}, with the test key and quick retries. */
    static ClientConfig.Builder on(int port) {
        return EnrichClient.builder().baseUrl("http://127.0.0.1:" + port)
                .apiKey(TestAuthAutoConfiguration.KEY)
                .callRetries(QUICK.withMaxRetries(3))
                .streamRetries(QUICK);
    }

    /** Return a client for the service on {@code port}. */
    static EnrichClient client(int port) {
        return on(port).build();
    }
}
