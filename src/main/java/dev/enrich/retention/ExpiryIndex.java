package dev.enrich.retention;

import java.time.Duration;
import java.time.Instant;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keep, per session, the time at which it is next looked at for expiry (port): an ordered index, so finding what is
 * due reads only what is due, never the whole keyspace.
 */
public interface ExpiryIndex {

    /** Set (or move) the time a session is next looked at. */
    Mono<Void> schedule(SessionKey session, Instant at);

    /**
     * Take up to {@code limit} sessions due at {@code now}, oldest first, atomically moving each to {@code now + lease}:
     * two sweepers never take one session at once, and a session whose sweeper dies comes back after the lease.
     */
    Flux<SessionKey> claim(Instant now, Duration lease, int limit);

    /** Forget a session (deleted). */
    Mono<Void> remove(SessionKey session);

    /** Return how many sessions the index holds. */
    Mono<Long> size();

    /** Name a session: its tenant and id. */
    record SessionKey(String tenant, String sessionId) {}
}
