package dev.enrich.api;

import dev.enrich.config.EnrichProperties;
import dev.enrich.engine.EngineLifecycle;
import dev.enrich.engine.EnrichmentService;
import dev.enrich.events.EventLog;
import dev.enrich.events.EventPublisher;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.job.Batch;
import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.tenant.TenantResolver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stream job, batch and per-user events over Server-Sent Events.
 *
 * <p>{@code id:} is the stream's sequence number. A new subscriber gets a {@code snapshot} first. A reconnect with
 * {@code Last-Event-ID} (header, or {@code ?lastEventId=} after a page reload) replays what it missed, or gets a
 * fresh snapshot when that is no longer held. Job and batch streams end after their terminal event; a reconnect
 * whose id already covers it gets 204 (EventSource then stops). Heartbeat comments keep idle streams open.
 */
@RestController
@RequestMapping("/api/v1")
class EventStreamController {

    private static final MediaType EVENT_STREAM = MediaType.TEXT_EVENT_STREAM;

    private final TenantResolver tenants;
    private final EnrichmentService service;
    private final EventLog log;
    private final EngineLifecycle lifecycle;
    private final Clock clock;
    private final Duration heartbeat;

    EventStreamController(TenantResolver tenants, EnrichmentService service, EventLog log,
            EngineLifecycle lifecycle, Clock clock, EnrichProperties props) {
        this.tenants = tenants;
        this.service = service;
        this.log = log;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.heartbeat = props.events().heartbeat();
    }

    @GetMapping(path = "/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<ResponseEntity<Flux<ServerSentEvent<JobEvent>>>> job(@PathVariable String id,
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String header,
            @RequestParam(name = "lastEventId", required = false) @Nullable String param,
            ServerWebExchange exchange) {
        Long last = lastEventId(header, param);
        return tenants.resolve(exchange).flatMap(t -> service.job(t, id)).map(found -> {
            String stream = EventPublisher.jobStream(id);
            if (found.state().isTerminal() && last != null && last >= log.lastSeq(stream)
                    && log.lastSeq(stream) > 0) {
                return ResponseEntity.noContent().build();
            }
            return respond(Flux.defer(() -> {
                EventLog.Opened opened = log.open(stream, last == null ? -1 : last);
                Mono<JobEvent> snapshot = service.job(found.tenant(), id)
                        .map(job -> snapshotOf(job, opened.lastSeq()));
                Flux<JobEvent> events = opened.events().map(e -> e.withJobSeq(e.seq()));
                return assemble(last, opened, snapshot, events, e -> e.type().isTerminal());
            }));
        });
    }

    @GetMapping(path = "/batches/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<ResponseEntity<Flux<ServerSentEvent<JobEvent>>>> batch(@PathVariable String id,
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String header,
            @RequestParam(name = "lastEventId", required = false) @Nullable String param,
            ServerWebExchange exchange) {
        Long last = lastEventId(header, param);
        return tenants.resolve(exchange).flatMap(t -> service.batch(t, id)).flatMap(batch -> {
            String stream = EventPublisher.batchStream(id);
            return service.batchView(batch).map(view -> {
                if (view.state().isTerminal() && last != null && last >= log.lastSeq(stream)
                        && log.lastSeq(stream) > 0) {
                    return ResponseEntity.noContent().build();
                }
                return respond(Flux.defer(() -> {
                    EventLog.Opened opened = log.open(stream, last == null ? -1 : last);
                    Mono<JobEvent> snapshot = service.batchView(batch).map(v -> batchSnapshot(batch, v, opened));
                    return assemble(last, opened, snapshot, opened.events(),
                            e -> (e.type() == EventType.BATCH || e.type() == EventType.SNAPSHOT)
                                    && e.state().isTerminal());
                }));
            });
        });
    }

    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<ResponseEntity<Flux<ServerSentEvent<JobEvent>>>> user(
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String header,
            @RequestParam(name = "lastEventId", required = false) @Nullable String param,
            ServerWebExchange exchange) {
        Long last = lastEventId(header, param);
        return tenants.resolve(exchange).map(tenant -> respond(Flux.defer(() -> {
            EventLog.Opened opened = log.open(EventPublisher.userStream(tenant), last == null ? -1 : last);
            Mono<JobEvent> snapshot = service.recentJobs(tenant, 100).map(service::view).collectList()
                    .map(jobs -> new JobEvent(EventType.SNAPSHOT, opened.lastSeq(), 0, null, null, tenant,
                            JobState.RUNNING, 0, null, jobs.isEmpty() ? "No sessions yet." : "Your sessions.",
                            null, null, null, new UserSnapshot(jobs), clock.instant()));
            return assemble(last, opened, snapshot, opened.events(), e -> false);
        })));
    }

    /** Carry the jobs a per-user snapshot shows. */
    record UserSnapshot(List<dev.enrich.job.JobView> jobs) {}

    // Snapshot first unless this is a resumption that can be replayed; the stream ends after an event `ends` accepts.
    private Flux<ServerSentEvent<JobEvent>> assemble(@Nullable Long last, EventLog.Opened opened,
            Mono<JobEvent> snapshot, Flux<JobEvent> events, Predicate<JobEvent> ends) {
        boolean resumable = last != null && !opened.gap() && last <= opened.lastSeq();
        Flux<JobEvent> body = resumable ? events : snapshot.flatMapMany(s -> s.state().isTerminal()
                && s.type() == EventType.SNAPSHOT && s.jobId() != null
                ? Flux.just(s, terminalOf(s)) : Flux.just(s).concatWith(events));
        Flux<ServerSentEvent<JobEvent>> sse = body
                .takeUntil(ends)
                .map(e -> ServerSentEvent.builder(e).id(Long.toString(e.seq())).event(e.type().id()).build());
        Flux<ServerSentEvent<JobEvent>> open = Flux.just(ServerSentEvent.<JobEvent>builder()
                .comment("stream open").retry(Duration.ofSeconds(3)).build());
        return open.concatWith(sse.publish(shared -> Flux.merge(shared,
                        Flux.interval(heartbeat).map(i -> ServerSentEvent.<JobEvent>builder().comment("heartbeat")
                                .build()).takeUntilOther(shared.ignoreElements().then(Mono.just(1))))))
                .takeUntilOther(lifecycle.streamsEnd().then(Mono.just(1)));
    }

    private ResponseEntity<Flux<ServerSentEvent<JobEvent>>> respond(Flux<ServerSentEvent<JobEvent>> body) {
        return ResponseEntity.ok()
                .contentType(EVENT_STREAM)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .body(body);
    }

    private JobEvent snapshotOf(Job job, long seq) {
        return EventPublisher.jobEvent(EventType.SNAPSHOT, job, null, service.view(job), clock.instant())
                .withSeq(seq)
                .withJobSeq(seq);
    }

    private JobEvent batchSnapshot(Batch batch, dev.enrich.job.BatchView view, EventLog.Opened opened) {
        return EventPublisher.batchEvent(view, batch.tenant(), clock.instant())
                .withSeq(opened.lastSeq());
    }

    // A fresh subscription to a finished job: the snapshot, then its terminal event, numbered like the snapshot.
    private static JobEvent terminalOf(JobEvent snapshot) {
        EventType type = EventType.valueOf(snapshot.state().name());
        return new JobEvent(type, snapshot.seq(), snapshot.jobSeq(), snapshot.jobId(), snapshot.batchId(),
                snapshot.tenant(), snapshot.state(), snapshot.progress(), snapshot.etaSeconds(), snapshot.message(),
                null, null, null, null, snapshot.at());
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
