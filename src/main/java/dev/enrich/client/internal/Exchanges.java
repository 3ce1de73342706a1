package dev.enrich.client.internal;

import dev.enrich.client.Credentials;
import dev.enrich.client.EnrichApiException;
import dev.enrich.client.EnrichClientException;
import dev.enrich.client.RetryPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClientRequest;
import reactor.util.retry.Retry;

/**
 * Send one API call and read its answer: credentials, {@code Idempotency-Key}, response timeout, error answers as
 * typed exceptions, and the retries of idempotent calls.
 */
final class Exchanges {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final byte[] EMPTY = new byte[0];

    private final WebClient web;
    private final Credentials credentials;
    private final Duration responseTimeout;
    private final Retry reads;
    private final Retry submissions;

    Exchanges(WebClient web, Credentials credentials, Duration responseTimeout, RetryPolicy policy) {
        this.web = web;
        this.credentials = credentials;
        this.responseTimeout = responseTimeout;
        this.reads = Retries.of(policy, Exchanges::transientFailure, Schedulers.parallel());
        // A keyed submission may also meet its own earlier attempt still running: 409 with Retry-After.
        this.submissions = Retries.of(policy, transientFailure().or(Exchanges::stillRunning), Schedulers.parallel());
    }

    /**
     * Send {@code call} and return the answer's body (empty for 204); each attempt subscribes the credentials and
     * the body anew. POSTs carry one Idempotency-Key for all their attempts.
     */
    Mono<byte[]> send(Call call) {
        return Mono.defer(() -> {
            String key = call.method() == HttpMethod.POST ? UUID.randomUUID().toString() : null;
            Mono<byte[]> once = token().flatMap(token -> exchange(call, token, key));
            return switch (call.retry()) {
                case NEVER -> once;
                case IDEMPOTENT -> once.retryWhen(key == null ? reads : submissions);
                case REMOVAL -> {
                    AtomicInteger attempts = new AtomicInteger();
                    yield Mono.defer(() -> attempts.incrementAndGet() == 1 ? once
                            : once.onErrorResume(Exchanges::notFound, gone -> Mono.just(EMPTY)))
                            .retryWhen(reads);
                }
            };
        });
    }

    /** Return the bearer token for the next request. */
    Mono<String> token() {
        return credentials.token()
                .switchIfEmpty(Mono.error(() -> new EnrichClientException("The credentials gave no token.")));
    }

    /** Send {@code call} and read the answer's body as a {@code type}. */
    <T> Mono<T> send(Call call, Class<T> type) {
        return send(call).map(bytes -> Json.read(bytes, type));
    }

    private Mono<byte[]> exchange(Call call, String token, @Nullable String key) {
        WebClient.RequestBodySpec request = web.method(call.method())
                .uri(call.path(), call.variables())
                .headers(headers -> {
                    headers.setBearerAuth(token);
                    if (key != null) {
                        headers.set(IDEMPOTENCY_KEY, key);
                    }
                })
                .httpRequest(http -> timeout(http.getNativeRequest(), responseTimeout));
        Supplier<BodyInserter<?, ? super ClientHttpRequest>> body = call.body();
        if (call.contentType() != null) {
            request.contentType(call.contentType());
        }
        WebClient.RequestHeadersSpec<?> ready = body == null ? request : request.body(body.get());
        return ready.exchangeToMono(Exchanges::read);
    }

    private static Mono<byte[]> read(ClientResponse response) {
        if (response.statusCode().isError()) {
            return Problems.of(response).flatMap(Mono::error);
        }
        return response.bodyToMono(byte[].class).defaultIfEmpty(EMPTY);
    }

    /** Set Reactor Netty's response timeout on a request, when Reactor Netty sends it. */
    static void timeout(Object nativeRequest, Duration timeout) {
        if (nativeRequest instanceof HttpClientRequest netty) {
            netty.responseTimeout(timeout);
        }
    }

    /** Return true for failures after which an idempotent call may be sent again: no answer, 429, 503. */
    static boolean transientFailure(Throwable failure) {
        return failure instanceof WebClientRequestException
                || failure instanceof EnrichApiException api && (api.status() == 429 || api.status() == 503);
    }

    private static Predicate<Throwable> transientFailure() {
        return Exchanges::transientFailure;
    }

    private static boolean notFound(Throwable failure) {
        return failure instanceof EnrichApiException api && api.status() == 404;
    }

    private static boolean stillRunning(Throwable failure) {
        return failure instanceof EnrichApiException api && api.status() == 409 && api.retryAfter().isPresent();
    }

    /** Say whether a call may be sent again. */
    enum RetryMode {
        /** Sent once (not idempotent, or its body can be read once). */
        NEVER,
        /** Sent again after a transient failure (reads, cancels, keyed submissions). */
        IDEMPOTENT,
        /**
         * A DELETE sent again after a transient failure; as an attempt whose answer was lost may have deleted it, a
         * 404 to a later attempt means done.
         */
        REMOVAL
    }

    /**
     * Describe an API call.
     *
     * @param method the HTTP method
     * @param path the path template, e.g. {@code /api/v1/jobs/{id}}
     * @param variables the template's values, in order
     * @param contentType the body's type, when the body does not set it itself
     * @param body makes the request body for each attempt; null for none
     * @param retry whether it may be sent again
     */
    record Call(HttpMethod method, String path, Object[] variables, @Nullable MediaType contentType,
            @Nullable Supplier<BodyInserter<?, ? super ClientHttpRequest>> body, RetryMode retry) {

        /** Return an idempotent GET. */
        static Call get(String path, Object... variables) {
            return new Call(HttpMethod.GET, path, variables, null, null, RetryMode.IDEMPOTENT);
        }

        /** Return an idempotent DELETE. */
        static Call delete(String path, Object... variables) {
            return new Call(HttpMethod.DELETE, path, variables, null, null, RetryMode.IDEMPOTENT);
        }

        /** Return a DELETE that removes what it names, done also when a retry finds it gone. */
        static Call remove(String path, Object... variables) {
            return new Call(HttpMethod.DELETE, path, variables, null, null, RetryMode.REMOVAL);
        }

        /** Return a POST of a JSON body (sent as it is written once). */
        static Call postJson(String path, Map<String, ?> json, RetryMode retry, Object... variables) {
            String text = Json.write(json);
            return new Call(HttpMethod.POST, path, variables, MediaType.APPLICATION_JSON,
                    () -> BodyInserters.fromValue(text), retry);
        }
    }
}
