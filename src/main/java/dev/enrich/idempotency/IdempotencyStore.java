package dev.enrich.idempotency;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Remember submissions by their {@code Idempotency-Key}, per tenant (port): a key is first claimed by the request
 * that runs, for a lease its holder renews, then holds that request's response for a while; a failed request releases
 * it. In this process (memory backend) or for the whole fleet (Redis backend).
 *
 * <p>Every change to a claim names the claim's token: a holder whose lease ran out (and whose key another request
 * has since claimed) can neither renew, complete nor release the new claim.
 */
public interface IdempotencyStore {

    /**
     * Claim {@code key} of {@code tenant} for {@code lease}, or say who holds it. Of any number of concurrent claims
     * of one free key, on any replica, exactly one is {@link Acquired}; a claim whose lease ran out is free again.
     */
    Mono<Claim> claim(String tenant, String key, Duration lease);

    /** Extend the claim held under {@code token} to {@code lease} from now; {@code false} when it is not held. */
    Mono<Boolean> renew(String tenant, String key, String token, Duration lease);

    /**
     * Replace the claim held under {@code token} with the first response, kept for {@code ttl}; {@code false} when
     * the claim is not held any more (its lease ran out), and nothing is kept.
     */
    Mono<Boolean> complete(String tenant, String key, String token, StoredResponse response, Duration ttl);

    /** Forget the claim held under {@code token}, so that the key may be used again; nothing when it is not held. */
    Mono<Void> release(String tenant, String key, String token);

    /** What a claim found: the key is now the caller's, another request holds it, or it was answered already. */
    sealed interface Claim permits Acquired, InFlight, Completed {}

    /** The key is the caller's until {@code token}'s lease runs out. */
    record Acquired(String token) implements Claim {}

    /** Another request holds the key; its lease runs out in {@code remaining} unless renewed. */
    record InFlight(Duration remaining) implements Claim {}

    /** The key's first request was answered with {@code response}. */
    record Completed(StoredResponse response) implements Claim {}
}
