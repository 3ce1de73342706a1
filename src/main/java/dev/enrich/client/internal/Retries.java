package dev.enrich.client.internal;

import dev.enrich.client.EnrichApiException;
import dev.enrich.client.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Turn a {@link RetryPolicy} into a Reactor {@link Retry}: a retryable failure is tried again after its answer's
 * {@code Retry-After} (when the policy allows that long a wait) or an exponential backoff with jitter, at most
 * {@code maxRetries} times in a row. A failure that is not retryable, or one too many, is passed on as it is.
 */
final class Retries {

    private Retries() {}

    /**
     * Return the retry of {@code policy} for failures {@code retryable} accepts; waits run on {@code timer}.
     * "In a row" counts retries since the source last emitted, so a stream that resumed and made progress starts
     * counting again.
     */
    static Retry of(RetryPolicy policy, Predicate<Throwable> retryable, Scheduler timer) {
        return Retry.from(signals -> signals.concatMap(signal -> next(policy, retryable, timer, signal,
                signal.totalRetriesInARow())));
    }

    /**
     * Return a retry like {@link #of} for one subscription whose count of retries in a row also starts again when
     * {@code heard} (asked once per failure, and expected to reset) says the source showed it was alive since the
     * last failure (an SSE heartbeat emits nothing, yet
     * proves the connection worked), so a long quiet stream cut now and then never runs out of reconnects.
     */
    static Retry ofLiveness(RetryPolicy policy, Predicate<Throwable> retryable, Scheduler timer,
            BooleanSupplier heard) {
        AtomicLong inARow = new AtomicLong();
        return Retry.from(signals -> signals.concatMap(signal -> {
            boolean alive = heard.getAsBoolean(); // read (and reset) on every failure
            long attempt = alive || signal.totalRetriesInARow() == 0 ? 0 : inARow.get();
            inARow.set(attempt + 1);
            return next(policy, retryable, timer, signal, attempt);
        }));
    }

    private static Mono<Retry.RetrySignal> next(RetryPolicy policy, Predicate<Throwable> retryable, Scheduler timer,
            Retry.RetrySignal signal, long attempt) {
        Throwable failure = signal.failure();
        boolean again = retryable.test(failure) && attempt < policy.maxRetries();
        @Nullable Duration wait = again ? delay(policy, failure, attempt) : null;
        return wait == null ? Mono.error(failure) : Mono.delay(wait, timer).thenReturn(signal);
    }

    /** Return the wait before retry number {@code attempt} (0 for the first), or null to give up. */
    static @Nullable Duration delay(RetryPolicy policy, Throwable failure, long attempt) {
        if (failure instanceof EnrichApiException api && api.retryAfter().isPresent()) {
            Duration asked = api.retryAfter().get();
            return asked.compareTo(policy.maxRetryAfter()) <= 0 ? asked : null;
        }
        long min = policy.minBackoff().toMillis();
        long max = policy.maxBackoff().toMillis();
        long backoff = attempt >= 30 ? max : Math.min(max, min << attempt);
        // Jitter of up to half the backoff, so clients cut off together do not all come back together.
        long jitter = backoff / 2 == 0 ? 0 : ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        return Duration.ofMillis(Math.min(max, backoff - backoff / 4 + jitter));
    }
}
