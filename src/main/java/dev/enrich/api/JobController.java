package dev.enrich.api;

import dev.enrich.config.LimitsProperties;
import dev.enrich.engine.EnrichmentService;
import dev.enrich.job.BatchView;
import dev.enrich.job.JobState;
import dev.enrich.job.JobStateFilter;
import dev.enrich.job.JobView;
import dev.enrich.model.PoolStatus;
import dev.enrich.tenant.TenantResolver;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.Map;
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
    Mono<ResponseEntity<JobView>> retry(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(t -> service.retry(t, id))
                .map(job -> ResponseEntity.status(HttpStatus.ACCEPTED)
                        .location(URI.create("/api/v1/jobs/" + job.id()))
                        .body(service.view(job)));
    }

    @GetMapping("/jobs/{id}")
    Mono<JobView> job(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(t -> service.job(t, id)).map(service::view);
    }

    @DeleteMapping("/jobs/{id}")
    Mono<ResponseEntity<JobView>> cancel(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(t -> service.cancel(t, id))
                .map(job -> ResponseEntity.status(HttpStatus.ACCEPTED).body(service.view(job)));
    }

    /** Submit a batch; with an {@code Idempotency-Key}, once per key ({@link IdempotentSubmissions}). */
    @PostMapping("/batches")
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
                                .body(Map.<String, Object>of("batchId", batch.id(), "jobIds", batch.jobIds())))));
    }

    @GetMapping("/batches/{id}")
    Mono<BatchView> batch(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.resolve(exchange).flatMap(t -> service.batch(t, id)).flatMap(service::batchView);
    }

    @GetMapping("/pool")
    PoolStatus pool() {
        return service.poolStatus();
    }
}
