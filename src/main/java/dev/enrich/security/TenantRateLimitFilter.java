package dev.enrich.security;

import dev.enrich.tenant.RequestQuota;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Hold each tenant to {@code enrich.limits.requests-per-second} on the API through the backend's
 * {@link RequestQuota} (this process's count in memory, the fleet's on Redis), asked without waiting, so a request
 * over the limit is answered 429 at once, with the quota's Retry-After, and never parks a thread. Runs after the
 * security chain, which put the caller in the context.
 */
@Component
class TenantRateLimitFilter implements WebFilter, Ordered {

    private final RequestQuota quota;
    private final ProblemResponses problems;

    TenantRateLimitFilter(RequestQuota quota, ProblemResponses problems) {
        this.quota = quota;
        this.problems = problems;
    }

    @Override
    public int getOrder() {
        return 0; // after Spring Security's chain (-100)
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/api/")) {
            return chain.filter(exchange);
        }
        // Anonymous requests meet the access rules instead: nothing to count them against.
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(context -> context.getAuthentication() instanceof EnrichAuthentication auth
                        ? auth.caller().tenant() : null)
                .flatMap(quota::tryAcquire)
                .defaultIfEmpty(RequestQuota.Decision.allow())
                .flatMap(decision -> decision.allowed() ? chain.filter(exchange)
                        : problems.write(exchange, HttpStatus.TOO_MANY_REQUESTS,
                                "You're sending requests faster than we can take them. Please slow down a little.",
                                decision.retryAfter()));
    }
}
