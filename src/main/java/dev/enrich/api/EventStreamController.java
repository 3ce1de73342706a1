package dev.enrich.api;

import dev.enrich.config.EnrichProperties;
import dev.enrich.config.LimitsProperties;
import dev.enrich.engine.EngineLifecycle;
import dev.enrich.engine.EnrichException;
import dev.enrich.events.EventFeed;
import dev.enrich.events.JobEvent;
import dev.enrich.tenant.Caller;
import dev.enrich.tenant.TenantResolver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stream job, batch and per-user events over Server-Sent Events.
 *
 * <p>{@code id:} is the stream's sequence number. A new subscriber gets a {@code snapshot} first. A reconnect with
 * {@code Last-Event-ID} (header, or {@code ?lastEventId=} after a page reload) replays what it missed, or gets a
 * fresh snapshot when that is no longer held. Job and batch streams end after their terminal event; a reconnect
 * whose id already covers it gets 204 (EventSource then stops). Heartbeat comments keep idle streams open.
 *
 * <p>What a subscriber is sent (snapshot, replay, live events, where the stream ends) comes from the {@link EventFeed};
 * this controller only writes it as SSE frames ({@link SseFrames}: each event encoded once for all its streams, one
 * heartbeat timer for all streams).
 *
 * <p>Wire format: a stream opens with {@code retry:3000} and the comment {@code :stream open}; each event is
 * {@code id:<seq>}, {@code event:<type>}, {@code data:<JSON>}. The JSON omits null fields, so {@code etaSeconds} is
 * absent while the ETA is unknown. A stream that ends while this replica drains for a shutdown ends, after its last
 * events, with {@code retry:<enrich.pool.retry-after in ms>} and the comment {@code :restarting, reconnect}: EventSource
 * reconnects after that delay (the SDK after its own backoff), through the load balancer to a replica that stays.
 * Errors are {@code application/problem+json}.
 *
 * <p>Meters: {@code enrich.sse.connections} (gauge: streams open now) and {@code enrich.event.delivery.lag} (timer:
 * from an event's publication to its frames being handed to the connection, for events published while the stream
 * was open; replays and snapshots of older events are not counted).
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Events")
class EventStreamController {

    private static final MediaType EVENT_STREAM = MediaType.TEXT_EVENT_STREAM;
    /** How long a stream may still take to send its last events once the service shuts down. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(1);
    /** Marks the end of a stream's events inside the merge with heartbeats; never written. */
    private static final byte[] END = new byte[0];
    private static final int MERGE_PREFETCH = 2;

    private final TenantResolver tenants;
    private final EventFeed feed;
    private final EngineLifecycle lifecycle;
    /** One timer for every open stream; each stream drops ticks it has no demand for. */
    private final Flux<byte[]> heartbeats;
    private final SseFrames frames;
    private final int streamsPerUser;
    private final Duration retryAfter;
    /** The last frame of a stream that ends while this replica drains. */
    private final byte[] reconnect;
    /** Open streams per user (API key or token subject); entries go when they reach zero. */
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    /** Open streams of all users. */
    private final AtomicInteger streams = new AtomicInteger();
    private final Timer deliveryLag;
    private final Clock clock;

    EventStreamController(TenantResolver tenants, EventFeed feed, EngineLifecycle lifecycle, EnrichProperties props,
            LimitsProperties limits, JsonMapper json, MeterRegistry meters, Clock clock) {
        this.streamsPerUser = limits.streamsPerUser();
        this.retryAfter = props.pool().retryAfter();
        this.reconnect = SseFrames.reconnect(retryAfter);
        this.clock = clock;
        Gauge.builder("enrich.sse.connections", streams, AtomicInteger::get)
                .description("Event streams (SSE) open now")
                .register(meters);
        this.deliveryLag = Timer.builder("enrich.event.delivery.lag")
                .description("Time from an event's publication to its frames being handed to a stream's connection")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(meters);
        this.tenants = tenants;
        this.feed = feed;
        this.lifecycle = lifecycle;
        this.heartbeats = heartbeats(props.events().heartbeat());
        this.frames = new SseFrames(json);
    }

    @GetMapping(path = "/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(operationId = "streamJobEvents", summary = "Follow a job live")
    Mono<Void> job(@PathVariable String id,
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String header,
            @RequestParam(name = "lastEventId", required = false) @Nullable String param,
            ServerWebExchange exchange) {
        Long last = lastEventId(header, param);
        return tenants.caller(exchange)
                .flatMap(caller -> feed.job(caller.tenant(), id, last).flatMap(f -> respond(exchange, caller, f)));
    }

    @GetMapping(path = "/batches/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(operationId = "streamBatchEvents", summary = "Follow a batch live: its jobs' events and batch events")
    Mono<Void> batch(@PathVariable String id,
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String header,
            @RequestParam(name = "lastEventId", required = false) @Nullable String param,
            ServerWebExchange exchange) {
        Long last = lastEventId(header, param);
        return tenants.caller(exchange)
                .flatMap(caller -> feed.batch(caller.tenant(), id, last).flatMap(f -> respond(exchange, caller, f)));
    }

    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(operationId = "streamEvents", summary = "Follow all your jobs live")
    Mono<Void> user(
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String header,
            @RequestParam(name = "lastEventId", required = false) @Nullable String param,
            ServerWebExchange exchange) {
        Long last = lastEventId(header, param);
        return tenants.caller(exchange)
                .flatMap(caller -> feed.user(caller.tenant(), last).flatMap(f -> respond(exchange, caller, f)));
    }

    // End after an event `ends` accepts; open with a comment (flushes the headers) and keep idle streams alive.
    // A stream counts for its user from the moment its body is subscribed until it ends, so a response that never
    // starts holds nothing. Over the limit, the body fails before its first event: the response is not committed
    // yet, so the caller gets a plain 429 problem instead of a stream.
    // Frames are written as bytes, not as ServerSentEvents: each event's bytes are shared by all its streams, and
    // Reactor Netty flushes once per burst of frames instead of once per frame.
    // Served through SseRoute (a real server), the accepted stream is handed off: this exchange ends with the
    // headers, and the route writes the frames outside the web filter chain, so an open stream holds none of it.
    private Mono<Void> respond(ServerWebExchange exchange, Caller caller, EventFeed.Feed feed) {
        if (feed.finished()) {
            return noContent(exchange);
        }
        Predicate<JobEvent> ends = feed.ends();
        String user = caller.tenant() + "/" + caller.subject();
        ServerHttpResponse response = exchange.getResponse();
        Flux<byte[]> sse = Flux.defer(() -> {
            Instant opened = clock.instant();
            return feed.batches().doOnNext(batch -> recordLag(batch, opened));
        })
                .map(batch -> frames.chunk(batch, ends))
                .takeUntil(SseFrames.Chunk::ends)
                .map(SseFrames.Chunk::bytes);
        return Mono.deferContextual(context -> {
            StreamHandoff handoff = context.getOrDefault(StreamHandoff.class, null);
            if (handoff == null) {
                return response.writeWith(counted(user, sse, () -> label(response.getHeaders()))
                        .map(response.bufferFactory()::wrap));
            }
            if (open.getOrDefault(user, 0) >= streamsPerUser) {
                return refused(sse).then(Mono.error(this::tooMany));
            }
            label(response.getHeaders());
            // Counted again once the route subscribes; a stream that lost a race for the last place ends at once.
            handoff.hand(counted(user, sse, () -> { }));
            return response.setComplete();
        });
    }

    private Flux<byte[]> counted(String user, Flux<byte[]> sse, Runnable started) {
        return Flux.defer(() -> {
            if (open.merge(user, 1, Integer::sum) > streamsPerUser) {
                release(user);
                return refused(sse).thenMany(Flux.error(tooMany()));
            }
            started.run(); // only a stream that starts is labelled one; a refusal is answered as problem+json
            streams.incrementAndGet();
            return withHeartbeats(sse, heartbeats)
                    // Ended by the drain (the log ends each subscription after its last events, and a job the drain
                    // interrupted ends with it): the client is told to come back in a moment, elsewhere.
                    .concatWith(Mono.fromCallable(() -> lifecycle.draining() ? reconnect : null))
                    // On shutdown this cuts the streams whose clients stopped reading.
                    .takeUntilOther(lifecycle.streamsEnd().then(Mono.delay(SHUTDOWN_GRACE)))
                    .doFinally(signal -> {
                        streams.decrementAndGet();
                        release(user);
                    });
        });
    }

    // Live events only: a replay or a finished job's held end is as old as the job, not late.
    private void recordLag(List<JobEvent> batch, Instant opened) {
        Instant now = clock.instant();
        for (JobEvent event : batch) {
            if (!event.at().isBefore(opened)) {
                deliveryLag.record(Duration.between(event.at(), now));
            }
        }
    }

    // Subscribed and cancelled at once: lets go of the event log subscription the feed holds for this stream.
    private static Mono<Void> refused(Flux<byte[]> sse) {
        return sse.take(0).then();
    }

    private EnrichException tooMany() {
        return new EnrichException(EnrichException.Kind.TOO_MANY,
                "You have a lot of live views open. Close one and try again.", retryAfter);
    }

    private static void label(HttpHeaders headers) {
        headers.setContentType(EVENT_STREAM);
        headers.setCacheControl("no-cache");
        headers.set("X-Accel-Buffering", "no");
    }

    /** Tick a heartbeat comment every {@code interval}, one timer shared by all streams that subscribe. */
    static Flux<byte[]> heartbeats(Duration interval) {
        return Flux.interval(interval).map(i -> SseFrames.HEARTBEAT).share();
    }

    /**
     * Open a stream's body, then send its frames merged with {@code heartbeats} until the frames end; heartbeats the
     * client has no demand for are dropped, frames never.
     */
    static Flux<byte[]> withHeartbeats(Flux<byte[]> frames, Flux<byte[]> heartbeats) {
        return Flux.just(SseFrames.OPEN)
                // A small prefetch: each frame is a whole batch of events, and an idle stream holds two small queues.
                .concatWith(Flux.merge(MERGE_PREFETCH, frames.concatWith(Mono.just(END)),
                        heartbeats.onBackpressureDrop()))
                .takeWhile(frame -> frame != END);
    }

    private static Mono<Void> noContent(ServerWebExchange exchange) {
        exchange.getResponse().setStatusCode(HttpStatus.NO_CONTENT);
        return exchange.getResponse().setComplete();
    }

    private void release(String user) {
        open.computeIfPresent(user, (k, n) -> n > 1 ? n - 1 : null);
    }

    private static @Nullable Long lastEventId(@Nullable String header, @Nullable String param) {
        String raw = header != null && !header.isBlank() ? header : param;
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw StageSelection.invalid("Last-Event-ID must be a non-negative number.");
        }
    }
}
