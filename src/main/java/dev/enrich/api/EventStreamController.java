package dev.enrich.api;

import dev.enrich.config.EnrichProperties;
import dev.enrich.config.LimitsProperties;
import dev.enrich.engine.EngineLifecycle;
import dev.enrich.engine.EnrichException;
import dev.enrich.engine.EnrichmentService;
import dev.enrich.events.EventLog;
import dev.enrich.events.EventPublisher;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.tenant.Caller;
import dev.enrich.tenant.TenantResolver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
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
 * <p>Wire format: a stream opens with {@code retry:3000} and the comment {@code :stream open}; each event is
 * {@code id:<seq>}, {@code event:<type>}, {@code data:<JSON>}. The JSON omits null fields, so {@code etaSeconds} is
 * absent while the ETA is unknown. A fresh subscription to a finished job gets its snapshot numbered one before
 * the terminal event, then the terminal event (as held in the log), so ids always increase. Errors are
 * {@code application/problem+json}.
 */
@RestController
@RequestMapping("/api/v1")
class EventStreamController {

    private static final MediaType EVENT_STREAM = MediaType.TEXT_EVENT_STREAM;
    /** How long a stream may still take to send its last events once the service shuts down. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(1);
    /** Marks the end of a stream's events inside the merge with heartbeats; never written. */
    private static final byte[] END = new byte[0];

    private final TenantResolver tenants;
    private final EnrichmentService service;
    private final EventLog log;
    private final EngineLifecycle lifecycle;
    private final Clock clock;
    /** One timer for every open stream; each stream drops ticks it has no demand for. */
    private final Flux<byte[]> heartbeats;
    private final SseFrames frames;
    private final int streamsPerUser;
    private final Duration retryAfter;
    /** Open streams per user (API key or token subject); entries go when they reach zero. */
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    EventStreamController(TenantResolver tenants, EnrichmentService service, EventLog log,
            EngineLifecycle lifecycle, Clock clock, EnrichProperties props, LimitsProperties limits, JsonMapper json) {
        this.streamsPerUser = limits.streamsPerUser();
        this.retryAfter = props.pool().retryAfter();
        this.tenants = tenants;
        this.service = service;
        this.log = log;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.heartbeats = heartbeats(props.events().heartbeat());
        this.frames = new SseFrames(json);
    }

    @GetMapping(path = "/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<Void> job(@PathVariable String id,
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String header,
            @RequestParam(name = "lastEventId", required = false) @Nullable String param,
            ServerWebExchange exchange) {
        Long last = lastEventId(header, param);
        return tenants.caller(exchange).flatMap(caller -> service.job(caller.tenant(), id).flatMap(found -> {
            String stream = EventPublisher.jobStream(id);
            if (found.state().isTerminal() && coversEnd(last, stream)) {
                return noContent(exchange);
            }
            Flux<List<JobEvent>> events = events(stream, last,
                    opened -> service.job(found.tenant(), id).map(job -> snapshotOf(job, opened.lastSeq())));
            return respond(exchange, caller, events, e -> e.type().isTerminal());
        }));
    }

    @GetMapping(path = "/batches/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<Void> batch(@PathVariable String id,
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String header,
            @RequestParam(name = "lastEventId", required = false) @Nullable String param,
            ServerWebExchange exchange) {
        Long last = lastEventId(header, param);
        return tenants.caller(exchange).flatMap(caller -> service.batch(caller.tenant(), id).flatMap(batch -> {
            String stream = EventPublisher.batchStream(id);
            return service.batchView(batch).flatMap(view -> {
                if (view.state().isTerminal() && coversEnd(last, stream)) {
                    return noContent(exchange);
                }
                Flux<List<JobEvent>> events = events(stream, last, opened -> service.batchView(batch)
                        .map(v -> retype(EventPublisher.batchEvent(v, batch.tenant(), clock.instant()),
                                EventType.SNAPSHOT, opened.lastSeq())));
                return respond(exchange, caller, events, e -> (e.type() == EventType.BATCH
                        || e.type() == EventType.SNAPSHOT) && e.jobId() == null && e.state().isTerminal());
            });
        }));
    }

    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<Void> user(
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String header,
            @RequestParam(name = "lastEventId", required = false) @Nullable String param,
            ServerWebExchange exchange) {
        Long last = lastEventId(header, param);
        return tenants.caller(exchange).flatMap(caller -> {
            String tenant = caller.tenant();
            Flux<List<JobEvent>> events = events(EventPublisher.userStream(tenant), last,
                    opened -> service.recentJobs(tenant, 100).map(service::view).collectList()
                            .map(jobs -> new JobEvent(EventType.SNAPSHOT, opened.lastSeq(), 0, null, null, tenant,
                                    JobState.RUNNING, 0, null, jobs.isEmpty() ? "No sessions yet." : "Your sessions.",
                                    null, null, null, new UserSnapshot(jobs), clock.instant())));
            return respond(exchange, caller, events, e -> false);
        });
    }

    /** Carry the jobs a per-user snapshot shows. */
    record UserSnapshot(List<dev.enrich.job.JobView> jobs) {}

    // A reconnect whose id covers everything the stream holds; also true when the log forgot the stream (lastSeq 0),
    // so a client of a finished job never loops on snapshot + terminal.
    private boolean coversEnd(@Nullable Long last, String stream) {
        return last != null && last >= log.lastSeq(stream);
    }

    /**
     * Return the events a subscriber should see: a resumption that can be replayed gets exactly the missed events;
     * anything else gets a snapshot numbered with the stream's last seq, then live events. A finished job's snapshot
     * is followed by its terminal event, replayed from the log when held. Whatever happens, the log subscription is
     * released.
     */
    private Flux<List<JobEvent>> events(String stream, @Nullable Long last,
            Function<EventLog.Opened, Mono<JobEvent>> snapshot) {
        return Flux.defer(() -> {
            // A fresh subscriber also gets the last held event, to follow a finished job's snapshot.
            long after = last != null ? last : log.lastSeq(stream) - 1;
            EventLog.Opened opened = log.open(stream, after);
            AtomicBoolean subscribed = new AtomicBoolean();
            Flux<List<JobEvent>> events = opened.batches().doOnSubscribe(s -> subscribed.set(true));
            Flux<List<JobEvent>> body;
            if (last != null && !opened.gap() && last <= opened.lastSeq()) {
                body = events;
            } else {
                boolean endHeld = last == null && after >= 0 && !opened.gap();
                body = snapshot.apply(opened).flatMapMany(s -> {
                    long seq = s.seq();
                    return !finishedJob(s) ? once(s).concatWith(after(events, seq))
                            : endHeld ? once(s.withSeq(seq - 1)).concatWith(after(events, seq - 1))
                            : Flux.just(List.of(s.withSeq(Math.max(0, seq - 1)),
                                    retype(s, EventType.valueOf(s.state().name()), seq)));
                });
            }
            return body.doFinally(signal -> {
                if (!subscribed.get()) {
                    // Unregister a subscription nobody consumed (finished job, failed snapshot, early cancel).
                    opened.batches().subscribe().dispose();
                }
            });
        });
    }

    // Drop events already covered by a snapshot numbered `seq`; batches left empty are dropped too.
    private static Flux<List<JobEvent>> after(Flux<List<JobEvent>> batches, long seq) {
        return batches.mapNotNull(batch -> {
            if (batch.get(0).seq() > seq) {
                return batch;
            }
            List<JobEvent> later = batch.stream().filter(e -> e.seq() > seq).toList();
            return later.isEmpty() ? null : later;
        });
    }

    // A stream may stay open for hours: let go of its snapshot (up to 100 job views) once it has been sent.
    private static Flux<List<JobEvent>> once(JobEvent event) {
        AtomicReference<@Nullable JobEvent> held = new AtomicReference<>(event);
        return Mono.fromSupplier(() -> {
            JobEvent snapshot = held.getAndSet(null);
            return snapshot == null ? null : List.of(snapshot);
        }).flux();
    }

    private static boolean finishedJob(JobEvent snapshot) {
        return snapshot.jobId() != null && snapshot.state().isTerminal();
    }

    // End after an event `ends` accepts; open with a comment (flushes the headers) and keep idle streams alive.
    // A stream counts for its user from the moment its body is subscribed until it ends, so a response that never
    // starts holds nothing. Over the limit, the body fails before its first event: the response is not committed
    // yet, so the caller gets a plain 429 problem instead of a stream.
    // Frames are written with writeWith, not as ServerSentEvents: each event's bytes are shared by all its streams,
    // and Reactor Netty flushes once per burst of frames instead of once per frame.
    private Mono<Void> respond(ServerWebExchange exchange, Caller caller, Flux<List<JobEvent>> events,
            Predicate<JobEvent> ends) {
        String user = caller.tenant() + "/" + caller.subject();
        ServerHttpResponse response = exchange.getResponse();
        Flux<byte[]> body = Flux.defer(() -> {
            if (open.merge(user, 1, Integer::sum) > streamsPerUser) {
                release(user);
                return Flux.error(new EnrichException(EnrichException.Kind.TOO_MANY,
                        "You have a lot of live views open. Close one and try again.", retryAfter));
            }
            // Only a stream that starts is labelled one; a refusal above is answered as problem+json.
            HttpHeaders headers = response.getHeaders();
            headers.setContentType(EVENT_STREAM);
            headers.setCacheControl("no-cache");
            headers.set("X-Accel-Buffering", "no");
            Flux<byte[]> sse = events.map(batch -> frames.chunk(batch, ends))
                    .takeUntil(SseFrames.Chunk::ends)
                    .map(SseFrames.Chunk::bytes);
            return withHeartbeats(sse, heartbeats)
                    // On shutdown the log ends each subscription after its last events; this cuts the rest.
                    .takeUntilOther(lifecycle.streamsEnd().then(Mono.delay(SHUTDOWN_GRACE)))
                    .doFinally(signal -> release(user));
        });
        return response.writeWith(body.map(response.bufferFactory()::wrap));
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
                .concatWith(Flux.merge(frames.concatWith(Mono.just(END)), heartbeats.onBackpressureDrop()))
                .takeWhile(frame -> frame != END);
    }

    private static Mono<Void> noContent(ServerWebExchange exchange) {
        exchange.getResponse().setStatusCode(HttpStatus.NO_CONTENT);
        return exchange.getResponse().setComplete();
    }

    private void release(String user) {
        open.computeIfPresent(user, (k, n) -> n > 1 ? n - 1 : null);
    }

    private JobEvent snapshotOf(Job job, long seq) {
        return EventPublisher.jobEvent(EventType.SNAPSHOT, job, null, service.view(job), clock.instant())
                .withSeq(seq)
                .withJobSeq(seq);
    }

    // The same event under another name and number (a batch view as a snapshot, a finished job's terminal event).
    private static JobEvent retype(JobEvent e, EventType type, long seq) {
        return new JobEvent(type, seq, e.jobId() == null ? 0 : seq, e.jobId(), e.batchId(), e.tenant(), e.state(),
                e.progress(), e.etaSeconds(), e.message(), null, null, null,
                type == EventType.SNAPSHOT ? e.detail() : null, e.at());
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
