package dev.enrich.session;

import reactor.core.publisher.Mono;

/**
 * Count the bytes of uploaded media each tenant holds, for the per-tenant storage cap (port). A session is counted
 * once, after its files are stored and before it is kept, and stops counting when it is deleted or expires; implementations
 * shared by several replicas decide {@link #add} atomically.
 */
public interface MediaUsage {

    /** Return the bytes of media a tenant holds now, 0 when none. */
    Mono<Long> used(String tenant);

    /**
     * Count a session's media against its tenant's cap, atomically: true when the tenant's total stays at or under
     * {@code cap}; false, with nothing counted, when it would go past it. A session already counted is not counted
     * twice: its bytes are replaced.
     */
    Mono<Boolean> add(String tenant, String sessionId, long bytes, long cap);

    /** Stop counting a session's media (deleted, expired, or its upload failed); nothing when it was not counted. */
    Mono<Void> release(String tenant, String sessionId);
}
