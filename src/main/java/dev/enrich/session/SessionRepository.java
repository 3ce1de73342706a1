package dev.enrich.session;

import reactor.core.publisher.Mono;

/** Keep sessions (port). Lookups are scoped by tenant: another tenant's id is simply not found. */
public interface SessionRepository {

    /**
     * Save a session. A new session past the repository's caps fails with {@link StorageLimitException}: scope
     * TENANT when its tenant holds as many as one tenant may, SERVICE when the store is full.
     */
    Mono<Session> save(Session session);

    /** Find a session of a tenant; empty when unknown or owned by another tenant. */
    Mono<Session> find(String tenant, String id);
}
