package dev.enrich.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

/**
 * Hold what a client is configured with; built by {@link EnrichClient#builder()}.
 *
 * @param baseUrl the service's root, e.g. {@code http://localhost:8080}
 * @param credentials what authenticates each request
 * @param connectTimeout the longest wait for a connection
 * @param responseTimeout the longest wait between reads of an answer (after the request was sent)
 * @param streamIdleTimeout the longest an event stream may stay silent (the service sends a heartbeat every 15 s by
 *     default) before the client reconnects
 * @param callRetries how idempotent calls are tried again
 * @param streamRetries how event streams reconnect
 * @param maxEventSize the largest event (or answer) in bytes the client reads
 * @param httpClient customises the Reactor Netty client, after the client's own settings (connect timeout)
 * @param webClient customises the WebClient, after the client's own settings (connector, base URL, codecs)
 */
public record ClientConfig(
        URI baseUrl,
        Credentials credentials,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration streamIdleTimeout,
        RetryPolicy callRetries,
        RetryPolicy streamRetries,
        int maxEventSize,
        UnaryOperator<HttpClient> httpClient,
        Consumer<WebClient.Builder> webClient) {

    /** @throws IllegalArgumentException when a timeout or size is not positive, or the URL is not absolute */
    public ClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(callRetries, "callRetries");
        Objects.requireNonNull(streamRetries, "streamRetries");
        Objects.requireNonNull(httpClient, "httpClient");
        Objects.requireNonNull(webClient, "webClient");
        if (!baseUrl.isAbsolute() || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL, but was " + baseUrl);
        }
        positive("connectTimeout", connectTimeout);
        positive("responseTimeout", responseTimeout);
        positive("streamIdleTimeout", streamIdleTimeout);
        if (maxEventSize <= 0) {
            throw new IllegalArgumentException("maxEventSize must be > 0, but was " + maxEventSize);
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + value);
        }
    }

    /** Configure a client step by step. Not thread-safe. */
    public static final class Builder {

        private URI baseUrl = URI.create("http://localhost:8080");
        private @Nullable Credentials credentials;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration responseTimeout = Duration.ofSeconds(60);
        private Duration streamIdleTimeout = Duration.ofSeconds(45);
        private RetryPolicy callRetries = RetryPolicy.calls();
        private RetryPolicy streamRetries = RetryPolicy.streams();
        private int maxEventSize = 16 * 1024 * 1024;
        private UnaryOperator<HttpClient> httpClient = UnaryOperator.identity();
        private Consumer<WebClient.Builder> webClient = builder -> { };

        Builder() {}

        /** Set the service's root, e.g. {@code https://enrich.example.com} (default {@code http://localhost:8080}). */
        public Builder baseUrl(String baseUrl) {
            return baseUrl(URI.create(baseUrl));
        }

        /** Set the service's root. */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** Authenticate every request with {@code credentials} (required). */
        public Builder credentials(Credentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /** Authenticate with an API key. */
        public Builder apiKey(String key) {
            return credentials(Credentials.apiKey(key));
        }

        /** Set the longest wait for a connection (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Set the longest wait between reads of an answer, after the request was sent (default 60 s). */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = timeout;
            return this;
        }

        /** Set how long an event stream may stay silent before the client reconnects (default 45 s). */
        public Builder streamIdleTimeout(Duration timeout) {
            this.streamIdleTimeout = timeout;
            return this;
        }

        /** Set how idempotent calls are tried again (default {@link RetryPolicy#calls()}). */
        public Builder callRetries(RetryPolicy policy) {
            this.callRetries = policy;
            return this;
        }

        /** Set how event streams reconnect (default {@link RetryPolicy#streams()}). */
        public Builder streamRetries(RetryPolicy policy) {
            this.streamRetries = policy;
            return this;
        }

        /** Set the largest event or answer in bytes the client reads (default 16 MB). */
        public Builder maxEventSize(int bytes) {
            this.maxEventSize = bytes;
            return this;
        }

        /** Customise the Reactor Netty client (proxy, TLS, wiretap, ...), after the client's own settings. */
        public Builder httpClient(UnaryOperator<HttpClient> customizer) {
            this.httpClient = customizer;
            return this;
        }

        /** Customise the WebClient (filters, headers, even the connector), after the client's own settings. */
        public Builder webClient(Consumer<WebClient.Builder> customizer) {
            this.webClient = customizer;
            return this;
        }

        /**
         * Return the configuration.
         *
         * @throws IllegalStateException when no credentials were set
         * @throws IllegalArgumentException when a setting is out of range
         */
        public ClientConfig config() {
            if (credentials == null) {
                throw new IllegalStateException("credentials must be set: call apiKey(...) or credentials(...)");
            }
            return new ClientConfig(baseUrl, credentials, connectTimeout, responseTimeout, streamIdleTimeout,
                    callRetries, streamRetries, maxEventSize, httpClient, webClient);
        }

        /** Return a client with this configuration; throws like {@link #config()}. */
        public EnrichClient build() {
            return EnrichClient.create(config());
        }
    }
}
