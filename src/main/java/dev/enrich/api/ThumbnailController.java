package dev.enrich.api;

import dev.enrich.engine.EnrichException;
import dev.enrich.session.MediaStore;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.Thumbnails;
import dev.enrich.tenant.TenantResolver;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Serve the chapter thumbnails the video stage saved, as PNG, to the tenant owning the session. */
@RestController
@RequestMapping("/api/v1/sessions")
class ThumbnailController {

    private static final int MAX_INDEX = 100_000;
    private static final int CHUNK = 16 * 1024;

    private final TenantResolver tenants;
    private final SessionRepository sessions;
    private final MediaStore media;

    ThumbnailController(TenantResolver tenants, SessionRepository sessions, MediaStore media) {
        this.tenants = tenants;
        this.sessions = sessions;
        this.media = media;
    }

    @GetMapping("/{id}/thumbnails/{index}")
    @Operation(operationId = "getThumbnail", summary = "Show a chapter's key frame", tags = "Sessions")
    @ApiResponse(responseCode = "200", description = "The key frame.",
            content = @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")))
    Mono<ResponseEntity<Flux<DataBuffer>>> thumbnail(@PathVariable String id, @PathVariable String index,
            ServerWebExchange exchange) {
        int chapter = parseIndex(index);
        if (chapter < 0) {
            return Mono.error(ThumbnailController::notFound);
        }
        return tenants.resolve(exchange)
                .flatMap(tenant -> sessions.find(tenant, id))
                .switchIfEmpty(Mono.error(ThumbnailController::notFound))
                // Opening a file blocks: bounded elastic, never the event loop.
                .flatMap(session -> Mono.fromCallable(() -> media.openDerived(session.tenant(), session.id(),
                                Thumbnails.fileName(chapter)))
                        .subscribeOn(Schedulers.boundedElastic()))
                .onErrorMap(NoSuchFileException.class, e -> notFound())
                .map(in -> ResponseEntity.ok()
                        .contentType(MediaType.IMAGE_PNG)
                        .cacheControl(CacheControl.noCache().cachePrivate())
                        .body(read(in, exchange)));
    }

    private static Flux<DataBuffer> read(InputStream in, ServerWebExchange exchange) {
        // subscribeOn moves the subscription and every request (hence every blocking read) to bounded elastic.
        return DataBufferUtils.readInputStream(() -> in, exchange.getResponse().bufferFactory(), CHUNK)
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static int parseIndex(String index) {
        if (index.isEmpty() || index.length() > 6 || !index.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int value = Integer.parseInt(index);
        return value <= MAX_INDEX ? value : -1;
    }

    private static EnrichException notFound() {
        return new EnrichException(EnrichException.Kind.NOT_FOUND, "We couldn't find that thumbnail.");
    }
}
