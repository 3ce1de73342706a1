package dev.enrich.backend.memory;

import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import reactor.core.publisher.Mono;

/** Keep sessions in memory. */
public final class InMemorySessionRepository implements SessionRepository {

    private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();

    @Override
    public Mono<Session> save(Session session) {
        return Mono.fromSupplier(() -> {
            sessions.put(session.id(), session);
            return session;
        });
    }

    @Override
    public Mono<Session> find(String tenant, String id) {
        return Mono.fromSupplier(() -> sessions.get(id)).filter(s -> s.tenant().equals(tenant));
    }
}
