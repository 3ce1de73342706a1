package dev.enrich.api;

import dev.enrich.cost.CostReport;
import dev.enrich.cost.CostReporter;
import io.swagger.v3.oas.annotations.Operation;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Report AI spend to administrators at {@code GET /api/v1/admin/costs?tenant=&from=&to=} (ISO dates, UTC days;
 * default the last 30 days, all tenants). ADMIN role only (the security chain answers 403 to anyone else). The only
 * response that carries money.
 */
@RestController
class AdminCostController {

    private final CostReporter reporter;

    AdminCostController(CostReporter reporter) {
        this.reporter = reporter;
    }

    @GetMapping("/api/v1/admin/costs")
    @Operation(operationId = "getCostReport", summary = "Report AI spend", tags = "Administration")
    Mono<CostReport> costs(@RequestParam(required = false) @Nullable String tenant,
            @RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String to) {
        String who = tenant == null || tenant.isBlank() ? null : tenant.trim();
        try {
            return reporter.report(who, date("from", from), date("to", to));
        } catch (IllegalArgumentException e) {
            throw StageSelection.invalid(e.getMessage());
        }
    }

    private static @Nullable LocalDate date(String name, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw StageSelection.invalid(name + " must be a date like 2025-01-31.");
        }
    }
}
