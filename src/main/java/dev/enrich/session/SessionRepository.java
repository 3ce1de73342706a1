package dev.enrich.session;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Keep sessions (port). Lookups are scoped by tenant: another tenant's id is simply not found. */
public interface SessionRepository {

    /**
     * Save a session. A new session past the repository's caps fails with {@link StorageLimitException}: scope
     * TENANT when its tenant holds as many as one tenant may, SERVICE when the store is full.
     */
    Mono<Session> save(Session session);

    /**
     * Fail with {@link StorageLimitException} when a new session of {@code tenant} would be refused now, so an upload
     * stops before its files are written; {@link #save} still decides. The default finds room always.
     */
    default Mono<Void> checkRoom(String tenant) {
        return Mono.empty();
    }

    /** Find a session of a tenant; empty when unknown or owned by another tenant. */
    Mono<Session> find(String tenant, String id);

    /**
     * Forget a session of a tenant, giving its room back to the caps. Return false, and change nothing, when the
     * session is unknown or owned by another tenant.
     */
    Mono<Boolean> delete(String tenant, String id);

    /** List the ids of a tenant's sessions, in no particular order. */
    Flux<String> findIds(String tenant);
}
