package dev.enrich.api;

import dev.enrich.config.EnrichProperties;
import dev.enrich.engine.EnrichException;
import dev.enrich.engine.EnrichmentService;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.MediaSniffer;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.SessionText;
import dev.enrich.tenant.TenantResolver;
import jakarta.validation.Valid;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Accept session uploads, start enrichments, and show a session's results. */
@RestController
@RequestMapping("/api/v1/sessions")
class SessionController {

    private static final int MAX_TITLE = 200;
    private static final int MAX_TEXT = 1_000_000;
    // Room for a title plus notes and transcript of MAX_TEXT characters each, even JSON-escaped.
    private static final int MAX_METADATA_BYTES = 16 * 1024 * 1024;

    private final TenantResolver tenants;
    private final SessionRepository sessions;
    private final MediaStore media;
    private final EnrichmentService service;
    private final JsonMapper json;
    private final Clock clock;
    private final EnrichProperties.Media limits;
    private final UploadParts uploads;

    SessionController(TenantResolver tenants, SessionRepository sessions, MediaStore media,
            EnrichmentService service, JsonMapper json, Clock clock, EnrichProperties props, UploadParts uploads) {
        this.tenants = tenants;
        this.uploads = uploads;
        this.sessions = sessions;
        this.media = media;
        this.service = service;
        this.json = json;
        this.clock = clock;
        this.limits = props.media();
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<ResponseEntity<Session>> upload(ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(tenant -> uploads.use(exchange, parts -> {
            checkParts(parts);
            // Whatever ends the upload early (a refusal, an error, the client leaving) takes the stored files along.
            return sessions.checkRoom(tenant).then(Mono.usingWhen(Mono.just(UUID.randomUUID().toString()),
                    id -> metadata(parts.getFirst("metadata"))
                            .flatMap(meta -> store(tenant, id, meta, parts))
                            .flatMap(sessions::save),
                    id -> Mono.empty(),
                    (id, error) -> media.deleteSession(tenant, id),
                    id -> media.deleteSession(tenant, id)));
        }))
                .map(s -> ResponseEntity.created(URI.create("/api/v1/sessions/" + s.id())).body(s));
    }

    @GetMapping("/{id}")
    Mono<Session> get(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(tenant -> sessions.find(tenant, id))
                .switchIfEmpty(Mono.error(() -> new EnrichException(EnrichException.Kind.NOT_FOUND,
                        "We couldn't find that session.")));
    }

    @PostMapping("/{id}/enrichments")
    Mono<ResponseEntity<Map<String, Object>>> enrich(@PathVariable String id,
            @Valid @RequestBody(required = false) Requests.EnrichmentRequest body, ServerWebExchange exchange) {
        Requests.EnrichmentRequest request = body == null ? new Requests.EnrichmentRequest(null, null) : body;
        return tenants.resolve(exchange)
                .flatMap(tenant -> service.enrich(tenant, id, StageSelection.stages(request.stages()),
                        StageSelection.priority(request.priority())))
                .map(job -> ResponseEntity.status(HttpStatus.ACCEPTED)
                        .location(URI.create("/api/v1/jobs/" + job.id()))
                        .body(Map.<String, Object>of("jobId", job.id(), "job", service.view(job))));
    }

    @GetMapping("/{id}/enrichment")
    Mono<EnrichmentService.Results> results(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(tenant -> service.results(tenant, id));
    }

    private void checkParts(MultiValueMap<String, Part> parts) {
        for (Map.Entry<String, List<Part>> e : parts.entrySet()) {
            String name = e.getKey();
            boolean known = name.equals("metadata") || name.equals("audio") || name.equals("video")
                    || name.equals("frames");
            if (!known) {
                throw StageSelection.invalid("Unknown part '" + name
                        + "'. Send metadata, audio, video or frames.");
            }
            if (!name.equals("frames") && e.getValue().size() > 1) {
                throw StageSelection.invalid("Send at most one '" + name + "' part.");
            }
        }
        if (parts.getOrDefault("frames", List.of()).size() > limits.maxFrames()) {
            throw StageSelection.invalid("Too many screenshots: at most " + limits.maxFrames() + " per session.");
        }
    }

    private Mono<Requests.SessionMetadata> metadata(@Nullable Part part) {
        if (part == null) {
            return Mono.error(StageSelection.invalid("Add a 'metadata' part with the session's title."));
        }
        if (part instanceof FormFieldPart field) {
            return Mono.fromCallable(() -> json.readValue(field.value(), Requests.SessionMetadata.class))
                    .onErrorMap(JacksonException.class, e -> notJson())
                    .switchIfEmpty(Mono.error(SessionController::untitled)) // the JSON was null
                    .map(SessionController::check);
        }
        // Parsed as it streams in: no joined copy of the (up to 16 MB) part, no String of the whole JSON.
        AtomicLong size = new AtomicLong();
        Flux<DataBuffer> capped = part.content().handle((buffer, sink) -> {
            if (size.addAndGet(buffer.readableByteCount()) > MAX_METADATA_BYTES) {
                DataBufferUtils.release(buffer);
                sink.error(new DataBufferLimitException("metadata over " + MAX_METADATA_BYTES + " bytes"));
            } else {
                sink.next(buffer);
            }
        });
        return Mono.fromCallable(() -> {
                    try (InputStream in = DataBufferUtils.subscriberInputStream(capped, 4)) {
                        return json.readValue(in, Requests.SessionMetadata.class);
                    } catch (RuntimeException | IOException e) {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            if (t instanceof DataBufferLimitException limit) {
                                throw limit;
                            }
                        }
                        throw e instanceof JacksonException ? notJson() : e;
                    }
                })
                .subscribeOn(Schedulers.boundedElastic())
                .switchIfEmpty(Mono.error(SessionController::untitled))
                .map(SessionController::check);
    }

    private static EnrichException notJson() {
        return StageSelection.invalid("The 'metadata' part must be JSON like {\"title\": \"Standup\"}.");
    }

    private static EnrichException untitled() {
        return StageSelection.invalid("Give the session a title.");
    }

    private static Requests.SessionMetadata check(Requests.SessionMetadata meta) {
        if (meta.title() == null || meta.title().isBlank()) {
            throw untitled();
        }
        if (meta.title().length() > MAX_TITLE) {
            throw StageSelection.invalid("The title is too long: at most " + MAX_TITLE + " characters.");
        }
        if (length(meta.notes()) > MAX_TEXT || length(meta.transcript()) > MAX_TEXT) {
            throw StageSelection.invalid("Notes and transcript are limited to a million characters each.");
        }
        return meta;
    }

    // One file after the other: a refused file stops the upload before anything else is written.
    private Mono<Session> store(String tenant, String id, Requests.SessionMetadata meta,
            MultiValueMap<String, Part> parts) {
        return storeMedia(tenant, id, parts).flatMap(refs -> storeText(tenant, id, meta.notes())
                .flatMap(notes -> storeText(tenant, id, meta.transcript())
                        .map(transcript -> new Session(id, tenant, meta.title().strip(), notes.orElse(null),
                                transcript.orElse(null), refs, clock.instant()))));
    }

    // Long texts live with the media, not in memory: the session keeps their length and a preview.
    private Mono<Optional<SessionText>> storeText(String tenant, String sessionId, @Nullable String raw) {
        String text = trim(raw);
        if (text == null) {
            return Mono.just(Optional.empty());
        }
        if (text.length() <= SessionText.PREVIEW_CHARS) {
            return Mono.just(Optional.of(SessionText.inline(text)));
        }
        Flux<DataBuffer> bytes = Flux.defer(() -> Flux.just(
                DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8))));
        return media.store(tenant, sessionId, bytes, Long.MAX_VALUE)
                .map(stored -> Optional.of(SessionText.stored(stored.key(), text)));
    }

    private Mono<List<MediaRef>> storeMedia(String tenant, String sessionId, MultiValueMap<String, Part> parts) {
        List<Map.Entry<MediaKind, Part>> files = new ArrayList<>();
        for (MediaKind kind : MediaKind.values()) {
            for (Part part : parts.getOrDefault(kind.part(), List.of())) {
                if (!(part instanceof FilePart)) {
                    return Mono.error(StageSelection.invalid("The '" + kind.part() + "' part must be a file."));
                }
                files.add(Map.entry(kind, part));
            }
        }
        AtomicLong total = new AtomicLong();
        long sessionLimit = limits.maxSessionSize().toBytes();
        return Flux.fromIterable(files)
                .concatMap(e -> {
                    FilePart file = (FilePart) e.getValue();
                    long room = Math.min(limits.maxPartSize().toBytes(), sessionLimit - total.get());
                    return media.store(tenant, sessionId, file.content(), room)
                            .flatMap(stored -> sniff(e.getKey(), stored))
                            .doOnNext(stored -> total.addAndGet(stored.size()))
                            .map(stored -> new MediaRef(e.getKey(), stored.key(), stored.size(),
                                    contentType(stored), file.filename()));
                })
                .collectList();
    }

    // Check the stored bytes, not the declared type or name: the format is what the content says.
    private Mono<SniffedMedia> sniff(MediaKind kind, MediaStore.Stored stored) {
        return Mono.fromCallable(() -> {
                    try (InputStream in = media.open(stored.key())) {
                        return in.readNBytes(MediaSniffer.HEAD);
                    }
                })
                .subscribeOn(Schedulers.boundedElastic())
                .map(head -> {
                    MediaSniffer.check(kind, head, stored.size()).ifPresent(problem -> {
                        throw new EnrichException(problem.unsupported() ? EnrichException.Kind.UNSUPPORTED
                                : EnrichException.Kind.UNPROCESSABLE, problem.detail());
                    });
                    return new SniffedMedia(stored.key(), stored.size(), MediaSniffer.format(head));
                });
    }

    private static String contentType(SniffedMedia media) {
        return switch (media.format()) {
            case "wav" -> "audio/wav";
            case "mp4" -> "video/mp4";
            case "png" -> "image/png";
            default -> "image/jpeg";
        };
    }

    private record SniffedMedia(String key, long size, String format) {}

    private static int length(@Nullable String s) {
        return s == null ? 0 : s.length();
    }

    private static @Nullable String trim(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
