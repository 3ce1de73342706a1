package dev.enrich.tenant;

import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Admit a tenant's API requests at a bounded rate: a burst of {@code enrich.limits.requests-per-second} per period
 * of one second. Asked without waiting: a request over the limit is refused at once, with a hint of when to retry.
 * The memory backend counts in this process; the Redis backend counts for the whole fleet.
 */
public interface RequestQuota {

    /** Take one request from the tenant's quota; never waits for a permit, never blocks the calling thread. */
    Mono<Decision> tryAcquire(String tenant);

    /**
     * The answer to one request: admitted, or refused until {@code retryAfter} has passed.
     *
     * @param allowed whether the request may go on
     * @param retryAfter how long until the quota has room again; zero when allowed
     */
    record Decision(boolean allowed, Duration retryAfter) {

        private static final Decision ALLOWED = new Decision(true, Duration.ZERO);

        public Decision {
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.isNegative() || (allowed && !retryAfter.isZero())) {
                throw new IllegalArgumentException("retryAfter must be zero when allowed and >= 0, but was "
                        + retryAfter);
            }
        }

        /** Return the decision that admits a request. */
        public static Decision allow() {
            return ALLOWED;
        }

        /** Return a refusal, to be retried after {@code retryAfter}. */
        public static Decision refuse(Duration retryAfter) {
            return new Decision(false, retryAfter);
        }
    }
}
