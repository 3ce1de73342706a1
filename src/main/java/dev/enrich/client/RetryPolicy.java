package dev.enrich.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Say how often and how long the client tries again: idempotent calls after a connection failure or a {@code 429} or
 * {@code 503} answer, and event streams after a dropped connection.
 *
 * <p>An answer's {@code Retry-After} is honoured: the next attempt waits that long, unless it is longer than
 * {@code maxRetryAfter}, in which case the call fails at once with the answer's exception (which carries the wait).
 * Without one, attempts wait an exponential backoff from {@code minBackoff} to {@code maxBackoff}, with jitter.
 *
 * @param maxRetries the most attempts after the first in a row; for event streams the count starts again after every
 *     event received; 0 turns retrying off
 * @param minBackoff the wait before the first retry without Retry-After
 * @param maxBackoff the longest wait without Retry-After
 * @param maxRetryAfter the longest Retry-After the client waits for by itself
 */
public record RetryPolicy(int maxRetries, Duration minBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    /**
     * @throws IllegalArgumentException when a count or duration is negative, or {@code maxBackoff < minBackoff}
     */
    public RetryPolicy {
        Objects.requireNonNull(minBackoff, "minBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, but was " + maxRetries);
        }
        if (minBackoff.isNegative()) {
            throw new IllegalArgumentException("minBackoff must be >= 0, but was " + minBackoff);
        }
        if (maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be >= minBackoff (" + minBackoff + "), but was "
                    + maxBackoff);
        }
        if (maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("maxRetryAfter must be >= 0, but was " + maxRetryAfter);
        }
    }

    /** Return the default for calls: 3 retries, 200 ms to 5 s apart, Retry-After up to 60 s. */
    public static RetryPolicy calls() {
        return new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    /** Return the default for event streams: 10 reconnects in a row, 250 ms to 10 s apart, Retry-After up to 60 s. */
    public static RetryPolicy streams() {
        return new RetryPolicy(10, Duration.ofMillis(250), Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    /** Return a policy that never retries. */
    public static RetryPolicy none() {
        return new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    /** Return a copy with {@code maxRetries}. */
    public RetryPolicy withMaxRetries(int maxRetries) {
        return new RetryPolicy(maxRetries, minBackoff, maxBackoff, maxRetryAfter);
    }
}
