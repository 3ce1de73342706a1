package dev.enrich.api;

import dev.enrich.engine.EnrichException;
import dev.enrich.engine.EnrichmentService;
import dev.enrich.job.JobView;
import dev.enrich.session.MediaKind;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.tenant.TenantResolver;
import dev.enrich.upload.SessionDraft;
import dev.enrich.upload.SessionUploads;
import dev.enrich.upload.UploadFile;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
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
@Tag(name = "Sessions")
class SessionController {

    /**
     * Answer an accepted enrichment.
     *
     * @param jobId the job started
     * @param job the job as {@code GET /api/v1/jobs/{id}} shows it
     */
    record EnrichmentAccepted(String jobId, JobView job) {}

    // Room for a title plus notes and transcript of a million characters each, even JSON-escaped.
    private static final int MAX_METADATA_BYTES = 16 * 1024 * 1024;

    private final TenantResolver tenants;
    private final SessionRepository sessions;
    private final SessionUploads uploader;
    private final EnrichmentService service;
    private final JsonMapper json;
    private final IdempotentSubmissions submissions;

    SessionController(TenantResolver tenants, SessionRepository sessions, SessionUploads uploader,
            EnrichmentService service, JsonMapper json, IdempotentSubmissions submissions) {
        this.tenants = tenants;
        this.sessions = sessions;
        this.uploader = uploader;
        this.service = service;
        this.json = json;
        this.submissions = submissions;
    }

    /** Upload a session; with an {@code Idempotency-Key}, once per key ({@link IdempotentSubmissions}). */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(operationId = "createSession", summary = "Upload a session")
    @ApiResponse(responseCode = "201", description = "Stored; Location names it.",
            content = @Content(schema = @Schema(implementation = Session.class)))
    Mono<ResponseEntity<?>> upload(ServerWebExchange exchange) {
        return tenants.resolve(exchange)
                .flatMap(tenant -> submissions.multipart(exchange, tenant, parts -> uploader.upload(tenant,
                                metadata(parts.getFirst("metadata")), files(parts))
                        .map(s -> ResponseEntity.created(URI.create("/api/v1/sessions/" + s.id())).body(s))));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getSession", summary = "Show a session and its media")
    Mono<Session> get(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(tenant -> sessions.find(tenant, id))
                .switchIfEmpty(Mono.error(() -> new EnrichException(EnrichException.Kind.NOT_FOUND,
                        "We couldn't find that session.")));
    }

    /** Start an enrichment; with an {@code Idempotency-Key}, once per key ({@link IdempotentSubmissions}). */
    @PostMapping("/{id}/enrichments")
    @Operation(operationId = "startEnrichment", summary = "Start an enrichment of the session")
    @ApiResponse(responseCode = "202", description = "Queued; Location names the job.",
            content = @Content(schema = @Schema(implementation = EnrichmentAccepted.class)))
    Mono<ResponseEntity<?>> enrich(@PathVariable String id,
            @Valid @RequestBody(required = false) Requests.EnrichmentRequest body, ServerWebExchange exchange) {
        Requests.EnrichmentRequest request = body == null ? new Requests.EnrichmentRequest(null, null) : body;
        return tenants.resolve(exchange)
                .flatMap(tenant -> submissions.json(exchange, tenant, request, () -> service.enrich(tenant, id,
                                StageSelection.stages(request.stages()), StageSelection.priority(request.priority()))
                        .map(job -> ResponseEntity.status(HttpStatus.ACCEPTED)
                                .location(URI.create("/api/v1/jobs/" + job.id()))
                                .body(new EnrichmentAccepted(job.id(), service.view(job))))));
    }

    @GetMapping("/{id}/enrichment")
    @Operation(operationId = "getEnrichment", summary = "Show the latest job of the session and its stage results")
    Mono<EnrichmentService.Results> results(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(tenant -> service.results(tenant, id));
    }

    // The parts' names and shapes are the HTTP contract; what they hold is the upload service's to check.
    private static List<UploadFile> files(MultiValueMap<String, Part> parts) {
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
        List<UploadFile> files = new ArrayList<>();
        for (MediaKind kind : MediaKind.values()) {
            for (Part part : parts.getOrDefault(kind.part(), List.of())) {
                if (!(part instanceof FilePart file)) {
                    throw StageSelection.invalid("The '" + kind.part() + "' part must be a file.");
                }
                files.add(new UploadFile(kind, file.filename(), file.content()));
            }
        }
        return files;
    }

    private Mono<SessionDraft> metadata(@Nullable Part part) {
        if (part == null) {
            return Mono.error(() -> StageSelection.invalid("Add a 'metadata' part with the session's title."));
        }
        if (part instanceof FormFieldPart field) {
            return Mono.fromCallable(() -> json.readValue(field.value(), SessionDraft.class))
                    .onErrorMap(JacksonException.class, e -> notJson());
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
                        return json.readValue(in, SessionDraft.class);
                    } catch (RuntimeException | IOException e) {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            if (t instanceof DataBufferLimitException limit) {
                                throw limit;
                            }
                        }
                        throw e instanceof JacksonException ? notJson() : e;
                    }
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static EnrichException notJson() {
        return StageSelection.invalid("The 'metadata' part must be JSON like {\"title\": \"Standup\"}.");
    }
}
