package dev.enrich.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/** Record each request the SDK sends and the status it got, through a WebClient filter (the builder's hook). */
final class Attempts {

    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();

    /** Return the filter that records into this. */
    ExchangeFilterFunction filter() {
        return (request, next) -> next.exchange(request).doOnNext(response -> attempts.add(new Attempt(
                request.method().name(), request.url().getPath(), request.headers().getFirst("Idempotency-Key"),
                response.statusCode().value())));
    }

    /** Return the attempts so far. */
    List<Attempt> all() {
        return List.copyOf(attempts);
    }

    /**
     * One request and its answer's status.
     *
     * @param method the HTTP method
     * @param path the path
     * @param idempotencyKey its Idempotency-Key, if any
     * @param status the answer's status
     */
    record Attempt(String method, String path, @Nullable String idempotencyKey, int status) {}
}
