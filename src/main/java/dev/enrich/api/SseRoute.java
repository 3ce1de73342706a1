package dev.enrich.api;

import dev.enrich.security.DeferredAccessLine;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * Serve the event streams ({@code GET /api/v1/events}, {@code /api/v1/jobs/{id}/events},
 * {@code /api/v1/batches/{id}/events}) so that an open stream holds only what it uses.
 *
 * <p>The request goes through the whole web handler first: security, CORS, headers, limits, the drain, the access log
 * and {@link EventStreamController} decide as for any request, into a {@link HandshakeResponse}. When the controller
 * accepted a stream it hands its frames over ({@link StreamHandoff}) and the exchange ends there, so none of its
 * per-request state (filter chain, exchange attributes, security context, some hundred operators) stays alive
 * for the hours a stream may stay open. The route then sends the status, headers and frames on the connection.
 * Anything else the handler answered (a problem, 204) is sent as it is.
 */
@Component
class SseRoute implements NettyRouteProvider, SmartLifecycle {

    /** The longest a stop waits for the streams still sending: the engine ends them, plus its 1 s grace. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(3);

    /** The paths of the event streams, as URI templates; the API description documents each of them. */
    static final List<String> PATHS = List.of("/api/v1/events", "/api/v1/jobs/{id}/events",
            "/api/v1/batches/{id}/events");

    // PATHS (no regex characters but the templates), each {id} one path segment.
    private static final Pattern STREAMS = Pattern.compile(PATHS.stream()
            .map(path -> path.replace("{id}", "[^/]+")).collect(Collectors.joining("|")));

    private final ObjectProvider<HttpHandler> handler;
    /** Streams (and other answers) this route is sending now. */
    private final AtomicInteger sending = new AtomicInteger();
    private volatile @Nullable Runnable whenIdle;
    private volatile Disposable stopTimer = Disposables.disposed();
    private volatile boolean running;

    SseRoute(ObjectProvider<HttpHandler> handler) {
        this.handler = handler; // resolved per request: the server starts before the web handler exists
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.route(SseRoute::isStream, this::serve);
    }

    private static boolean isStream(HttpServerRequest request) {
        if (!"GET".equals(request.method().name())) {
            return false;
        }
        String path = request.fullPath();
        return STREAMS.matcher(path.startsWith("/") ? path : "/" + path).matches()
                && HandshakeRequest.of(request) != null;
    }

    private Mono<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        HandshakeRequest handshake = HandshakeRequest.of(request);
        if (handshake == null) {
            return response.status(400).send();
        }
        StreamHandoff handoff = new StreamHandoff();
        DeferredAccessLine line = new DeferredAccessLine();
        sending.incrementAndGet();
        NettyDataBufferFactory buffers = new NettyDataBufferFactory(response.alloc());
        // Through a future, and the request let go of once sent: when the handler has answered, nothing here refers
        // to its chain, exchange or request any more, so a stream that stays open for hours holds none of them.
        AtomicReference<@Nullable HandshakeRequest> once = new AtomicReference<>(handshake);
        Mono<Reply> reply = Mono.fromFuture(() -> answer(once.getAndSet(null), response, buffers, handoff, line).toFuture());
        return Mono.usingWhen(Mono.just(handoff),
                        h -> reply.flatMap(r -> send(response, r)),
                        StreamHandoff::drop,
                        (h, error) -> h.drop(),
                        StreamHandoff::drop)
                .doFinally(signal -> {
                    line.write(signal);
                    if (sending.decrementAndGet() == 0) {
                        Runnable idle = whenIdle;
                        if (idle != null) {
                            idle.run();
                        }
                    }
                });
    }

    @Override
    public void start() {
        whenIdle = null;
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    /**
     * Stop once every stream still sending has sent its last bytes (the engine ended them just before, in an earlier
     * phase), or after {@link #STOP_WAIT}: the web server's graceful shutdown, which comes next, closes connections it
     * finds idle, and a stream's last chunk must be out by then.
     */
    @Override
    public void stop(Runnable callback) {
        running = false;
        AtomicBoolean done = new AtomicBoolean();
        Runnable once = () -> {
            if (done.compareAndSet(false, true)) {
                stopTimer.dispose();
                callback.run();
            }
        };
        whenIdle = once;
        stopTimer = Schedulers.parallel().schedule(once, STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (sending.get() == 0) {
            once.run();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    // Stops after the engine (Integer.MAX_VALUE), which ends the streams, and before the web server's graceful
    // shutdown (SmartLifecycle.DEFAULT_PHASE - 1024).
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 512;
    }

    private Mono<Reply> answer(@Nullable HandshakeRequest request, HttpServerResponse response,
            NettyDataBufferFactory buffers, StreamHandoff handoff, DeferredAccessLine line) {
        if (request == null) {
            return Mono.error(new IllegalStateException("a request is answered once"));
        }
        HandshakeResponse answer = new HandshakeResponse(buffers);
        return handler.getObject().handle(request, answer)
                .contextWrite(context -> context.put(StreamHandoff.class, handoff).put(DeferredAccessLine.class, line))
                .then(Mono.fromSupplier(() -> {
                    // Status and headers go to the connection now (nothing is sent yet): the reply holds only the rest.
                    response.status(answer.getStatusCode().value());
                    answer.getHeaders().forEach((name, values) -> response.responseHeaders().set(name, values));
                    return new Reply(List.copyOf(answer.body()), handoff.take());
                }));
    }

    private static Mono<Void> send(HttpServerResponse response, Reply reply) {
        Flux<byte[]> frames = reply.frames();
        if (frames == null) {
            return response.send(Flux.fromIterable(reply.body()).map(NettyDataBufferFactory::toByteBuf)).then();
        }
        reply.body().forEach(DataBufferUtils::release);
        return response.send(frames.map(Unpooled::wrappedBuffer)).then();
    }

    /** What the web handler answered besides status and headers: a small body, or an accepted stream's frames. */
    private record Reply(List<DataBuffer> body, @Nullable Flux<byte[]> frames) {}
}
