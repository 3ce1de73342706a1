package dev.enrich.security;

import dev.enrich.tenant.Caller;
import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * Keep issued stream tickets until they are redeemed or expire: in this process (memory backend) or for the whole
 * fleet (Redis backend), so that a ticket issued by one replica opens its stream once on any replica. Keys are
 * digests of the tickets, never tickets themselves. Each store holds at most its configured number of unexpired
 * grants and refuses more rather than drop a live one.
 */
public interface TicketStore {

    /**
     * Keep {@code grant} under {@code key} until its expiry; {@code false} when the store already holds its maximum
     * of unexpired grants (none is dropped to make room).
     */
    Mono<Boolean> put(String key, Grant grant);

    /**
     * Remove the grant under {@code key} and return it; empty when there is none. Of any number of concurrent takes
     * of one key, on any replica, at most one gets the grant.
     */
    Mono<Grant> take(String key);

    /** What a ticket allows: {@code caller} may open the stream at {@code path} once, before {@code expiresAt}. */
    record Grant(Caller caller, String path, Instant expiresAt) {}
}
