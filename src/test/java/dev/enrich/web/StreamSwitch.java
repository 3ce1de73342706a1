package dev.enrich.web;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;

/**
 * Cut the per-user event streams server-side, for tests: {@link #dropAndRefuse()} closes every open
 * {@code /api/v1/events} connection and answers new ones 503 until {@link #accept()}. Records the
 * {@code lastEventId} each accepted connection asked for.
 */
final class StreamSwitch implements WebFilter {

    private static final String PATH = "/api/v1/events";

    private volatile Sinks.Empty<Void> drop = Sinks.empty();
    private volatile boolean refusing;
    private final List<String> resumedFrom = new CopyOnWriteArrayList<>();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().equals(PATH)) {
            return chain.filter(exchange);
        }
        if (refusing) {
            exchange.getResponse().setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
            return exchange.getResponse().setComplete();
        }
        @Nullable String last = exchange.getRequest().getQueryParams().getFirst("lastEventId");
        resumedFrom.add(last == null ? "none" : last);
        // Closing the connection, as a proxy or a network cut would (the stream outlives this exchange: SseRoute).
        if (ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest()) instanceof Connection open) {
            drop.asMono().doOnTerminate(() -> open.channel().close()).subscribe();
        }
        return chain.filter(exchange);
    }

    /** End every open event stream and refuse new ones (503). */
    void dropAndRefuse() {
        refusing = true;
        Sinks.Empty<Void> old = drop;
        drop = Sinks.empty();
        old.tryEmitEmpty();
    }

    /** Accept event streams again. */
    void accept() {
        refusing = false;
    }

    /** Return the {@code lastEventId} of each accepted connection in order ("none" for a fresh one). */
    List<String> resumedFrom() {
        return List.copyOf(resumedFrom);
    }
}
