package dev.enrich.security;

import dev.enrich.config.LimitsProperties;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Hold each tenant to {@code enrich.limits.requests-per-second} on the API: a resilience4j rate limiter per tenant
 * (a burst of that many, refilled every second), asked without waiting, so a request over the limit is answered 429
 * at once and never parks a thread. Runs after the security chain, which put the caller in the context.
 */
@Component
class TenantRateLimitFilter implements WebFilter, Ordered {

    private static final Duration PERIOD = Duration.ofSeconds(1);

    private final RateLimiterConfig config;
    private final LongSupplier nanoTime;
    private final ProblemResponses problems;
    private final ConcurrentHashMap<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    @Autowired
    TenantRateLimitFilter(LimitsProperties limits, ProblemResponses problems) {
        this(limits, problems, System::nanoTime);
    }

    /** Count the limiters' periods in {@code nanoTime} (tests move it by hand). */
    TenantRateLimitFilter(LimitsProperties limits, ProblemResponses problems, LongSupplier nanoTime) {
        this.problems = problems;
        this.config = RateLimiterConfig.custom()
                .limitForPeriod(limits.requestsPerSecond())
                .limitRefreshPeriod(PERIOD)
                .timeoutDuration(Duration.ZERO)
                .build();
        this.nanoTime = nanoTime;
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
                .map(tenant -> limiter(tenant).acquirePermission())
                .defaultIfEmpty(true)
                .flatMap(allowed -> allowed ? chain.filter(exchange)
                        : problems.write(exchange, HttpStatus.TOO_MANY_REQUESTS,
                                "You're sending requests faster than we can take them. Please slow down a little.",
                                PERIOD));
    }

    private RateLimiter limiter(String tenant) {
        return limiters.computeIfAbsent(tenant, t -> new AtomicRateLimiter(t, config, nanoTime::getAsLong));
    }
}
