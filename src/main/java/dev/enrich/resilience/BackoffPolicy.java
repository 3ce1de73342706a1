package dev.enrich.resilience;

import dev.enrich.config.ResilienceProperties;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Compute how long to wait before a retry: exponential backoff with jitter, lengthened by a capped Retry-After.
 *
 * <p>The n-th retry (1-based) waits {@code min(max, first × 2^(n-1))} spread uniformly by ± {@code jitter} of itself,
 * then clamped to {@code [0, max]}. When the service sent Retry-After, the wait is at least
 * {@code min(retryAfter, maxRetryAfter)}.
 */
public final class BackoffPolicy {

    private final ResilienceProperties.Retry settings;
    private final DoubleSupplier random;

    /** Create a policy; {@code random} returns values in [0, 1). */
    public BackoffPolicy(ResilienceProperties.Retry settings, DoubleSupplier random) {
        this.settings = settings;
        this.random = random;
    }

    /** Create a policy drawing jitter from {@link ThreadLocalRandom}. */
    public BackoffPolicy(ResilienceProperties.Retry settings) {
        this(settings, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Return the most retries after a first attempt. */
    public int maxRetries() {
        return settings.maxRetries();
    }

    /** Return the longest single wait between attempts (backoff or a capped Retry-After). */
    public Duration maxBackoff() {
        Duration backoff = settings.maxBackoff();
        return backoff.compareTo(settings.maxRetryAfter()) >= 0 ? backoff : settings.maxRetryAfter();
    }

    /** Return the wait before the {@code retry}-th retry (1-based) without jitter or Retry-After. */
    public Duration nominal(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be >= 1, but was " + retry);
        }
        long first = settings.firstBackoff().toMillis();
        long max = settings.maxBackoff().toMillis();
        int shift = Math.min(retry - 1, 30);
        long grown = first > (max >> shift) ? max : first << shift;
        return Duration.ofMillis(Math.min(max, grown));
    }

    /** Return the wait before the {@code retry}-th retry (1-based), honouring {@code retryAfter} up to its cap. */
    public Duration delay(int retry, Optional<Duration> retryAfter) {
        long nominal = nominal(retry).toMillis();
        long max = settings.maxBackoff().toMillis();
        double spread = nominal * settings.jitter();
        long jittered = Math.round(nominal - spread + random.getAsDouble() * 2 * spread);
        long wait = Math.max(0, Math.min(max, jittered));
        if (retryAfter.isPresent()) {
            long asked = Math.min(Math.max(0, retryAfter.get().toMillis()), settings.maxRetryAfter().toMillis());
            wait = Math.max(wait, asked);
        }
        return Duration.ofMillis(wait);
    }
}
