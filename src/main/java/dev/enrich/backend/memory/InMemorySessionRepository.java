package dev.enrich.backend.memory;

import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.StorageLimitException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keep sessions in memory: at most {@code maxSessions} in all and {@code maxPerTenant} per tenant. A new session past
 * either cap is refused ({@link StorageLimitException}); nothing is evicted, since a session is the user's data.
 */
public final class InMemorySessionRepository implements SessionRepository {

    private final int maxSessions;
    private final int maxPerTenant;
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, Integer> perTenant = new HashMap<>();

    /**
     * Create the repository.
     *
     * @throws IllegalArgumentException when a cap is not positive
     */
    public InMemorySessionRepository(int maxSessions, int maxPerTenant) {
        if (maxSessions <= 0) {
            throw new IllegalArgumentException("maxSessions must be > 0, but was " + maxSessions);
        }
        if (maxPerTenant <= 0) {
            throw new IllegalArgumentException("maxPerTenant must be > 0, but was " + maxPerTenant);
        }
        this.maxSessions = maxSessions;
        this.maxPerTenant = maxPerTenant;
    }

    @Override
    public Mono<Void> checkRoom(String tenant) {
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                requireRoom(tenant);
            }
        });
    }

    @Override
    public Mono<Session> save(Session session) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                Session old = sessions.get(session.id());
                if (old == null) {
                    requireRoom(session.tenant());
                    perTenant.merge(session.tenant(), 1, Integer::sum);
                } else if (!old.tenant().equals(session.tenant())) {
                    throw new IllegalArgumentException("session " + session.id() + " belongs to another tenant");
                }
                sessions.put(session.id(), session);
            }
            return session;
        });
    }

    private void requireRoom(String tenant) {
        if (perTenant.getOrDefault(tenant, 0) >= maxPerTenant) {
            throw new StorageLimitException(StorageLimitException.Scope.TENANT, "sessions", maxPerTenant);
        }
        if (sessions.size() >= maxSessions) {
            throw new StorageLimitException(StorageLimitException.Scope.SERVICE, "sessions", maxSessions);
        }
    }

    @Override
    public Mono<Session> find(String tenant, String id) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                return sessions.get(id);
            }
        }).filter(s -> s.tenant().equals(tenant));
    }

    @Override
    public Mono<Boolean> delete(String tenant, String id) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                Session found = sessions.get(id);
                if (found == null || !found.tenant().equals(tenant)) {
                    return false;
                }
                sessions.remove(id);
                perTenant.computeIfPresent(tenant, (t, n) -> n == 1 ? null : n - 1);
                return true;
            }
        });
    }

    @Override
    public Flux<String> findIds(String tenant) {
        return Flux.defer(() -> {
            List<String> ids;
            synchronized (this) {
                ids = sessions.values().stream().filter(s -> s.tenant().equals(tenant)).map(Session::id).toList();
            }
            return Flux.fromIterable(ids);
        });
    }
}
