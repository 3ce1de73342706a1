package dev.enrich.api;

import dev.enrich.engine.EnrichmentService;
import dev.enrich.security.ProblemResponses;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuse session uploads while the engine drains for a shutdown, the way the engine refuses enrichments: 503
 * problem+json with Retry-After, answered before the multipart body is read or anything is stored.
 */
@Component
class DrainFilter implements WebFilter, Ordered {

    private final EnrichmentService service;
    private final ProblemResponses problems;

    DrainFilter(EnrichmentService service, ProblemResponses problems) {
        this.service = service;
        this.problems = problems;
    }

    @Override
    public int getOrder() {
        return 2; // after security, the rate limit and the upload size check, none of which reads the body
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!UploadSizeFilter.isUpload(exchange.getRequest())) {
            return chain.filter(exchange);
        }
        return service.refusalWhileDraining()
                .map(refusal -> problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE,
                        refusal.getMessage(), refusal.retryAfter()))
                .orElseGet(() -> chain.filter(exchange));
    }
}
