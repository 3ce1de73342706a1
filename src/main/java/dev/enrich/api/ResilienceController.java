package dev.enrich.api;

import dev.enrich.resilience.Dependencies;
import dev.enrich.resilience.ResilienceStatus;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Show the state of each external dependency's circuit breaker, bulkhead and retries at {@code GET /api/v1/resilience}. */
@RestController
class ResilienceController {

    private final Dependencies dependencies;

    ResilienceController(Dependencies dependencies) {
        this.dependencies = dependencies;
    }

    @GetMapping("/api/v1/resilience")
    @Operation(operationId = "getResilience", summary = "Show each external dependency's breaker and retries",
            tags = "Administration")
    ResilienceStatus status() {
        return dependencies.status();
    }
}
