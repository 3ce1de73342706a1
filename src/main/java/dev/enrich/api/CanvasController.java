package dev.enrich.api;

import dev.enrich.engine.EnrichException;
import dev.enrich.engine.EnrichmentService;
import dev.enrich.model.Canvas;
import dev.enrich.pipeline.CanvasPages;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.tenant.TenantResolver;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Serve a session's canvas as a self-contained HTML page, rendered from the latest job's canvas document. The page
 * carries a strict Content-Security-Policy (no scripts, no external assets) and {@code nosniff}.
 */
@RestController
class CanvasController {

    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

    private final TenantResolver tenants;
    private final EnrichmentService service;
    // Rendering a small document is CPU-only, so it runs on the request thread.
    private final CanvasPages pages;

    CanvasController(TenantResolver tenants, EnrichmentService service, CanvasPages pages) {
        this.tenants = tenants;
        this.service = service;
        this.pages = pages;
    }

    @GetMapping("/api/v1/sessions/{id}/canvas")
    @Operation(operationId = "getCanvas", summary = "Show the session's canvas as a self-contained HTML page",
            tags = "Sessions")
    @ApiResponse(responseCode = "200", description = "The page.",
            content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    Mono<ResponseEntity<String>> canvas(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange)
                .flatMap(tenant -> service.results(tenant, id))
                .map(results -> {
                    StageResult result = results.results().get(StageName.CANVAS);
                    Canvas canvas = result == null || !result.state().isUseful() ? null
                            : result.data(Canvas.class).orElse(null);
                    if (canvas == null) {
                        throw new EnrichException(EnrichException.Kind.NOT_FOUND, "The canvas isn't ready yet.");
                    }
                    return ResponseEntity.ok()
                            .contentType(HTML)
                            .cacheControl(CacheControl.noCache())
                            .header("Content-Security-Policy", pages.contentSecurityPolicy())
                            .header("X-Content-Type-Options", "nosniff")
                            .header("Referrer-Policy", "no-referrer")
                            .body(pages.render(canvas));
                });
    }
}
