package dev.enrich.backend.memory;

import dev.enrich.tenant.RequestQuota;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;

/**
 * Count each tenant's requests in this process: a resilience4j rate limiter per tenant (a burst of
 * {@code requestsPerSecond}, refilled every second), asked without waiting. Replicas count apart.
 */
public final class InMemoryRequestQuota implements RequestQuota {

    /** The period a quota is refilled in; a refusal asks to retry after it. */
    static final Duration PERIOD = Duration.ofSeconds(1);

    private final RateLimiterConfig config;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    /**
     * Count periods on the system's monotonic clock.
     *
     * @throws IllegalArgumentException when {@code requestsPerSecond} is not positive
     */
    public InMemoryRequestQuota(int requestsPerSecond) {
        this(requestsPerSecond, System::nanoTime);
    }

    /**
     * Count periods in {@code nanoTime} (tests move it by hand).
     *
     * @throws IllegalArgumentException when {@code requestsPerSecond} is not positive
     */
    public InMemoryRequestQuota(int requestsPerSecond, LongSupplier nanoTime) {
        if (requestsPerSecond <= 0) {
            throw new IllegalArgumentException("requestsPerSecond must be > 0, but was " + requestsPerSecond);
        }
        this.config = RateLimiterConfig.custom()
                .limitForPeriod(requestsPerSecond)
                .limitRefreshPeriod(PERIOD)
                .timeoutDuration(Duration.ZERO)
                .build();
        this.nanoTime = nanoTime;
    }

    @Override
    public Mono<Decision> tryAcquire(String tenant) {
        return Mono.fromSupplier(() -> limiter(tenant).acquirePermission() ? Decision.allow()
                : Decision.refuse(PERIOD));
    }

    private RateLimiter limiter(String tenant) {
        return limiters.computeIfAbsent(tenant, t -> new AtomicRateLimiter(t, config, nanoTime::getAsLong));
    }
}
