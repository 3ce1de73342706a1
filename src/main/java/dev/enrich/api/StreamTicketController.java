package dev.enrich.api;

import dev.enrich.engine.EnrichException;
import dev.enrich.engine.EnrichmentService;
import dev.enrich.security.StreamTickets;
import dev.enrich.tenant.Caller;
import dev.enrich.tenant.TenantResolver;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Issue EventSource tickets ({@code POST /api/v1/stream-tickets}): a browser cannot send an Authorization header
 * with an EventSource, so it asks for a short-lived single-use ticket and opens {@code url}. The body names the
 * stream: {@code {"jobId": ...}}, {@code {"batchId": ...}} or nothing for the caller's own stream of all jobs.
 * Another tenant's job or batch answers 404, like an unknown one.
 */
@RestController
class StreamTicketController {

    /** Which stream a ticket opens. */
    record TicketRequest(@Nullable String jobId, @Nullable String batchId) {

        /** One stream per ticket. */
        @AssertTrue(message = "Name a job or a batch, not both.")
        boolean isOneStream() {
            return jobId == null || batchId == null;
        }
    }

    /** An issued ticket and the stream URL to open with it. */
    record TicketView(String ticket, Instant expiresAt, String url) {

        @Override
        public String toString() {
            return "TicketView[expiresAt=" + expiresAt + "]"; // debug logging of response bodies shows no ticket
        }
    }

    private final TenantResolver tenants;
    private final EnrichmentService service;
    private final StreamTickets tickets;

    StreamTicketController(TenantResolver tenants, EnrichmentService service, StreamTickets tickets) {
        this.tenants = tenants;
        this.service = service;
        this.tickets = tickets;
    }

    @PostMapping("/api/v1/stream-tickets")
    @Operation(operationId = "createStreamTicket", summary = "Get a ticket to open an event stream from a browser",
            tags = "Events")
    @ApiResponse(responseCode = "201", description = "Open `url` within `expiresAt`, once.")
    Mono<ResponseEntity<TicketView>> issue(@Valid @RequestBody(required = false) @Nullable TicketRequest request,
            ServerWebExchange exchange) {
        TicketRequest wanted = request == null ? new TicketRequest(null, null) : request;
        return tenants.caller(exchange).flatMap(caller -> path(caller, wanted)
                .flatMap(path -> tickets.issue(caller, path).map(issued -> {
                    StreamTickets.Ticket ticket = issued.orElseThrow(() -> new EnrichException(
                            EnrichException.Kind.TOO_MANY, "Too many live views are starting at once. "
                                    + "Please try again in a moment.", Duration.ofSeconds(1)));
                    String url = path + "?ticket=" + URLEncoder.encode(ticket.value(), StandardCharsets.UTF_8);
                    return ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                            .body(new TicketView(ticket.value(), ticket.expiresAt(), url));
                })));
    }

    private Mono<String> path(Caller caller, TicketRequest request) {
        if (request.jobId() != null) {
            return service.job(caller.tenant(), request.jobId()).map(job -> "/api/v1/jobs/" + job.id() + "/events");
        }
        if (request.batchId() != null) {
            return service.batch(caller.tenant(), request.batchId())
                    .map(batch -> "/api/v1/batches/" + batch.id() + "/events");
        }
        return Mono.just("/api/v1/events");
    }
}
