package dev.enrich.config;

import static dev.enrich.config.Settings.require;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bind and validate the {@code enrich.resilience.*} settings: how external calls (the AI service) are retried, when
 * their circuit opens, how many run at once and how long one may take.
 *
 * @param retry retries with exponential backoff and jitter
 * @param circuitBreaker one breaker per external dependency
 * @param maxConcurrentCalls the most calls in flight per dependency (bulkhead); more fail at once and are retried
 * @param timeout the longest one attempt may take before it is cancelled and counted as a transient failure
 */
@ConfigurationProperties("enrich.resilience")
public record ResilienceProperties(
        @DefaultValue Retry retry,
        @DefaultValue CircuitBreaker circuitBreaker,
        @DefaultValue("16") int maxConcurrentCalls,
        @DefaultValue("90s") Duration timeout) {

    public ResilienceProperties {
        require(maxConcurrentCalls > 0,
                "enrich.resilience.max-concurrent-calls must be > 0, but was " + maxConcurrentCalls);
        require(timeout.toMillis() > 0, "enrich.resilience.timeout must be > 0, but was " + timeout);
    }

    /** Return the defaults. */
    public static ResilienceProperties defaults() {
        return new ResilienceProperties(Retry.defaults(), CircuitBreaker.defaults(), 16, Duration.ofSeconds(90));
    }

    /** Return a copy with other retry settings. */
    public ResilienceProperties withRetry(Retry other) {
        return new ResilienceProperties(other, circuitBreaker, maxConcurrentCalls, timeout);
    }

    /** Return a copy with other breaker settings. */
    public ResilienceProperties withCircuitBreaker(CircuitBreaker other) {
        return new ResilienceProperties(retry, other, maxConcurrentCalls, timeout);
    }

    /** Return a copy with another per-attempt timeout. */
    public ResilienceProperties withTimeout(Duration other) {
        return new ResilienceProperties(retry, circuitBreaker, maxConcurrentCalls, other);
    }

    /** Return a copy with another bulkhead size. */
    public ResilienceProperties withMaxConcurrentCalls(int other) {
        return new ResilienceProperties(retry, circuitBreaker, other, timeout);
    }

    /**
     * Configure retries. The n-th retry waits {@code firstBackoff × 2^(n-1)}, capped at {@code maxBackoff}, spread
     * by ± {@code jitter} of itself and never above {@code maxBackoff}. A {@code Retry-After} from the service
     * lengthens that wait up to {@code maxRetryAfter} (a separate cap, so a polite service can ask for more than the
     * usual backoff without stalling a job for minutes).
     *
     * @param maxRetries retries after the first attempt; 0 turns retrying off
     * @param firstBackoff the wait before the first retry
     * @param maxBackoff the longest backoff
     * @param jitter the random spread, 0..1
     * @param maxRetryAfter the longest wait a Retry-After can ask for
     */
    public record Retry(
            @DefaultValue("4") int maxRetries,
            @DefaultValue("1s") Duration firstBackoff,
            @DefaultValue("10s") Duration maxBackoff,
            @DefaultValue("0.5") double jitter,
            @DefaultValue("10s") Duration maxRetryAfter) {

        public Retry {
            require(maxRetries >= 0 && maxRetries <= 20,
                    "enrich.resilience.retry.max-retries must be in 0..20, but was " + maxRetries);
            require(firstBackoff.toMillis() > 0,
                    "enrich.resilience.retry.first-backoff must be > 0, but was " + firstBackoff);
            require(maxBackoff.compareTo(firstBackoff) >= 0,
                    "enrich.resilience.retry.max-backoff must be >= first-backoff (" + firstBackoff + "), but was "
                            + maxBackoff);
            require(jitter >= 0 && jitter <= 1, "enrich.resilience.retry.jitter must be in 0..1, but was " + jitter);
            require(!maxRetryAfter.isNegative(),
                    "enrich.resilience.retry.max-retry-after must be >= 0, but was " + maxRetryAfter);
        }

        /** Return the defaults: 4 retries, 1 s → 10 s, jitter 0.5, Retry-After capped at 10 s. */
        public static Retry defaults() {
            return new Retry(4, Duration.ofSeconds(1), Duration.ofSeconds(10), 0.5, Duration.ofSeconds(10));
        }
    }

    /**
     * Configure each dependency's circuit breaker, which counts logical calls (a request with all its retries). It
     * opens after {@code consecutiveFailures} failed calls in a row, or
     * when {@code failureRateThreshold} percent of the last {@code slidingWindowSize} calls failed (once at least
     * {@code minimumCalls} were made); it stays open for {@code waitInOpen}, then lets {@code halfOpenCalls} probes
     * through and closes when they succeed.
     *
     * @param consecutiveFailures failures in a row that open the breaker
     * @param failureRateThreshold the failure percentage (1..100) that opens it
     * @param slidingWindowSize the calls the rate is computed over
     * @param minimumCalls calls needed before the rate counts
     * @param waitInOpen how long calls fail fast before probes are let through
     * @param halfOpenCalls the probes let through when half-open
     */
    public record CircuitBreaker(
            // Counted per logical call (the request with its retries), so a burst of retried attempts is one call.
            @DefaultValue("5") int consecutiveFailures,
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("20") int slidingWindowSize,
            @DefaultValue("10") int minimumCalls,
            @DefaultValue("30s") Duration waitInOpen,
            @DefaultValue("2") int halfOpenCalls) {

        public CircuitBreaker {
            String p = "enrich.resilience.circuit-breaker.";
            require(consecutiveFailures > 0, p + "consecutive-failures must be > 0, but was " + consecutiveFailures);
            require(failureRateThreshold > 0 && failureRateThreshold <= 100,
                    p + "failure-rate-threshold must be in (0, 100], but was " + failureRateThreshold);
            require(slidingWindowSize > 0, p + "sliding-window-size must be > 0, but was " + slidingWindowSize);
            require(minimumCalls > 0, p + "minimum-calls must be > 0, but was " + minimumCalls);
            require(waitInOpen.toMillis() > 0, p + "wait-in-open must be > 0, but was " + waitInOpen);
            require(halfOpenCalls > 0, p + "half-open-calls must be > 0, but was " + halfOpenCalls);
        }

        /** Return the defaults: 5 failed calls in a row or 50 % of 20 (at least 10), open 30 s, 2 probes. */
        public static CircuitBreaker defaults() {
            return new CircuitBreaker(5, 50, 20, 10, Duration.ofSeconds(30), 2);
        }
    }
}
