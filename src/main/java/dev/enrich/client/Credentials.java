package dev.enrich.client;

import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Supply the bearer token sent as {@code Authorization: Bearer <token>} with every request: an API key, or a token
 * (such as a JWT) fetched anew whenever the client needs one.
 */
@FunctionalInterface
public interface Credentials {

    /**
     * Return the token for the next request. Subscribed once per request (and per retry or reconnect), so a supplier
     * that caches and refreshes its token is asked each time; an error fails the request.
     */
    Mono<String> token();

    /**
     * Authenticate with an API key.
     *
     * @throws IllegalArgumentException if the key is blank
     */
    static Credentials apiKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("key must not be blank");
        }
        Mono<String> token = Mono.just(key);
        return () -> token;
    }

    /**
     * Authenticate with bearer tokens from {@code tokens}, called for every request: for JWTs from an identity
     * provider, which the supplier may cache until they expire, e.g. {@code () -> tokenCache.current()}.
     */
    static Credentials bearer(Supplier<Mono<String>> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return () -> Mono.defer(tokens);
    }
}
