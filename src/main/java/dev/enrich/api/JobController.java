package dev.enrich.api;

import dev.enrich.config.LimitsProperties;
import dev.enrich.engine.EnrichmentService;
import dev.enrich.job.BatchView;
import dev.enrich.job.JobState;
import dev.enrich.job.JobStateFilter;
import dev.enrich.job.JobView;
import dev.enrich.model.PoolStatus;
import dev.enrich.tenant.TenantResolver;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Show and cancel jobs, submit and show batches, and report the worker pool. */
@RestController
@RequestMapping("/api/v1")
class JobController {

    /**
     * Answer an accepted batch.
     *
     * @param batchId the batch
     * @param jobIds its jobs, one per session, in the order of the request
     */
    record BatchAccepted(String batchId, List<String> jobIds) {}

    private final TenantResolver tenants;
    private final EnrichmentService service;
    private final int maxBatch;
    private final IdempotentSubmissions submissions;

    JobController(TenantResolver tenants, EnrichmentService service, LimitsProperties limits,
            IdempotentSubmissions submissions) {
        // A batch larger than the tenant's queue quota could never be accepted: refuse it as too large instead.
        this.maxBatch = Math.min(limits.maxBatchSize(), limits.maxQueuedJobs());
        this.tenants = tenants;
        this.service = service;
        this.submissions = submissions;
    }

    /**
     * List the caller's recent jobs, newest first, optionally in one state; the dead letters ({@code state=failed},
     * admin only) are listed service-wide: ADMIN is the operator's role.
     */
    @GetMapping("/jobs")
    @Operation(operationId = "listJobs", summary = "List your recent jobs, newest first", tags = "Jobs")
    @Parameter(name = "state", in = ParameterIn.QUERY, description = "Only jobs in this state; `failed` lists the "
            + "dead letters of every tenant (ADMIN only).", schema = @Schema(implementation = JobState.class))
    Flux<JobView> jobs(@RequestParam(defaultValue = "50") int limit, ServerWebExchange exchange) {
        if (limit < 1 || limit > 500) {
            throw StageSelection.invalid("limit must be between 1 and 500.");
        }
        // The same parser and the same values as the access rule for dead letters.
        JobStateFilter filter = StageSelection.jobStates(
                exchange.getRequest().getQueryParams().getOrDefault("state", List.of()));
        JobState wanted = filter.state();
        return tenants.caller(exchange)
                .flatMapMany(caller -> {
                    if (wanted == null) {
                        return service.recentJobs(caller.tenant(), limit);
                    }
                    return filter.deadLetters() && caller.admin() ? service.deadLetters(limit)
                            : service.recentJobs(caller.tenant(), wanted, limit);
                })
                .map(service::view);
    }

    @PostMapping("/jobs/{id}/retry")
    @Operation(operationId = "retryJob", summary = "Run a finished job again", tags = "Jobs")
    @ApiResponse(responseCode = "202", description = "Queued again; stages that succeeded keep their results.")
    Mono<ResponseEntity<JobView>> retry(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(t -> service.retry(t, id))
                .map(job -> ResponseEntity.status(HttpStatus.ACCEPTED)
                        .location(URI.create("/api/v1/jobs/" + job.id()))
                        .body(service.view(job)));
    }

    @GetMapping("/jobs/{id}")
    @Operation(operationId = "getJob", summary = "Show a job", tags = "Jobs")
    Mono<JobView> job(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(t -> service.job(t, id)).map(service::view);
    }

    @DeleteMapping("/jobs/{id}")
    @Operation(operationId = "cancelJob", summary = "Cancel a queued or running job", tags = "Jobs")
    @ApiResponse(responseCode = "202", description = "Cancelling; running stages stop within a second.")
    Mono<ResponseEntity<JobView>> cancel(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(t -> service.cancel(t, id))
                .map(job -> ResponseEntity.status(HttpStatus.ACCEPTED).body(service.view(job)));
    }

    /** Submit a batch; with an {@code Idempotency-Key}, once per key ({@link IdempotentSubmissions}). */
    @PostMapping("/batches")
    @Operation(operationId = "createBatch", summary = "Enrich many sessions at once", tags = "Batches")
    @ApiResponse(responseCode = "202", description = "Queued; Location names the batch.",
            content = @Content(schema = @Schema(implementation = BatchAccepted.class)))
    Mono<ResponseEntity<?>> batch(@Valid @RequestBody Requests.BatchRequest body,
            ServerWebExchange exchange) {
        List<String> ids = Objects.requireNonNull(body.sessionIds()); // @NotEmpty
        if (ids.size() > maxBatch) {
            throw StageSelection.invalid("A batch holds at most " + maxBatch + " sessions.");
        }
        if (ids.stream().distinct().count() != ids.size()) {
            throw StageSelection.invalid("Each session may appear only once in a batch.");
        }
        return tenants.resolve(exchange)
                .flatMap(t -> submissions.json(exchange, t, body, () -> service.enrichBatch(t, ids,
                                StageSelection.stages(body.stages()))
                        .map(batch -> ResponseEntity.status(HttpStatus.ACCEPTED)
                                .location(URI.create("/api/v1/batches/" + batch.id()))
                                .body(new BatchAccepted(batch.id(), batch.jobIds())))));
    }

    @GetMapping("/batches/{id}")
    @Operation(operationId = "getBatch", summary = "Show a batch: counts by state, progress and ETA", tags = "Batches")
    Mono<BatchView> batch(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(t -> service.batch(t, id)).flatMap(service::batchView);
    }

    @GetMapping("/pool")
    @Operation(operationId = "getPool", summary = "Show the worker pool", tags = "Administration")
    PoolStatus pool() {
        return service.poolStatus();
    }
}
