package dev.enrich.api;

import dev.enrich.engine.SessionDeletion;
import dev.enrich.tenant.TenantResolver;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Delete a session with everything made from it ({@code DELETE /api/v1/sessions/{id}}), and, for administrators, all
 * data of one tenant ({@code DELETE /api/v1/admin/tenants/{tenant}}; the security chain answers 403 to anyone else).
 * Both answer 204 once the data is gone: the work is bounded (a tenant holds a capped number of sessions), so the
 * caller learns that it is done, or why not.
 */
@RestController
class DeletionController {

    private final TenantResolver tenants;
    private final SessionDeletion deletion;

    DeletionController(TenantResolver tenants, SessionDeletion deletion) {
        this.tenants = tenants;
        this.deletion = deletion;
    }

    @DeleteMapping("/api/v1/sessions/{id}")
    @Operation(operationId = "deleteSession", summary = "Delete a session and everything made from it",
            tags = "Sessions")
    @ApiResponse(responseCode = "204", description = "Deleted.")
    Mono<ResponseEntity<Void>> session(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(tenant -> deletion.delete(tenant, id))
                .then(Mono.fromSupplier(() -> ResponseEntity.noContent().build()));
    }

    @DeleteMapping("/api/v1/admin/tenants/{tenant}")
    @Operation(operationId = "deleteTenant", summary = "Delete all data of a tenant", tags = "Administration")
    @ApiResponse(responseCode = "204", description = "Deleted.")
    Mono<ResponseEntity<Void>> tenant(@PathVariable String tenant) {
        return deletion.deleteTenant(tenant).thenReturn(ResponseEntity.noContent().build());
    }
}
