package dev.enrich.config;

import static dev.enrich.config.Settings.require;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bind and validate the {@code enrich.jobs.*} settings: how a job whose stages failed for a transient cause (a
 * timeout, a reset connection, a rate limit, a 5xx) is queued again by itself. The n-th automatic retry waits
 * {@code firstBackoff × 2^(n-1)}, capped at {@code maxBackoff} and spread by ± {@code jitter}; a Retry-After the
 * failure carried lengthens it up to {@code maxRetryAfter}, and an open circuit breaker to its wait in the open state.
 * Checkpointed stages are not run again. After the last attempt the job ends FAILED or PARTIAL (a dead letter).
 *
 * @param maxAttempts the most runs of a job, the first included; 1 turns automatic retries off
 * @param timeoutAttempts the most runs when the failure was a timeout (never more than {@code maxAttempts})
 * @param firstBackoff the wait before the first automatic retry
 * @param maxBackoff the longest wait
 * @param jitter the random spread, 0..1
 * @param maxRetryAfter the longest wait a Retry-After can ask for
 */
@ConfigurationProperties("enrich.jobs")
public record JobsProperties(
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("3") int timeoutAttempts,
        @DefaultValue("5s") Duration firstBackoff,
        @DefaultValue("2m") Duration maxBackoff,
        @DefaultValue("0.5") double jitter,
        @DefaultValue("1m") Duration maxRetryAfter) {

    public JobsProperties {
        require(maxAttempts >= 1 && maxAttempts <= 20,
                "enrich.jobs.max-attempts must be in 1..20, but was " + maxAttempts);
        require(timeoutAttempts >= 1, "enrich.jobs.timeout-attempts must be >= 1, but was " + timeoutAttempts);
        require(firstBackoff.toMillis() > 0, "enrich.jobs.first-backoff must be > 0, but was " + firstBackoff);
        require(maxBackoff.compareTo(firstBackoff) >= 0,
                "enrich.jobs.max-backoff must be >= first-backoff (" + firstBackoff + "), but was " + maxBackoff);
        require(jitter >= 0 && jitter <= 1, "enrich.jobs.jitter must be in 0..1, but was " + jitter);
        require(!maxRetryAfter.isNegative(), "enrich.jobs.max-retry-after must be >= 0, but was " + maxRetryAfter);
    }

    /** Return the defaults: 3 runs (3 for timeouts), 5 s → 2 min, jitter 0.5, Retry-After up to 1 min. */
    public static JobsProperties defaults() {
        return new JobsProperties(3, 3, Duration.ofSeconds(5), Duration.ofMinutes(2), 0.5, Duration.ofMinutes(1));
    }

    /** Return the backoff settings in the shape the resilience layer's backoff policy reads. */
    public ResilienceProperties.Retry backoff() {
        return new ResilienceProperties.Retry(Math.max(0, maxAttempts - 1), firstBackoff, maxBackoff, jitter,
                maxRetryAfter);
    }
}
