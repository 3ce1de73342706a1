package dev.enrich.backend.memory;

import dev.enrich.session.MediaUsage;
import java.util.HashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/** Count each tenant's media bytes in memory: one entry per kept session, gone when the session goes. */
public final class InMemoryMediaUsage implements MediaUsage {

    private final Map<String, Map<String, Long>> perTenant = new HashMap<>();
    private final Map<String, Long> totals = new HashMap<>();

    @Override
    public Mono<Long> used(String tenant) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                return totals.getOrDefault(tenant, 0L);
            }
        });
    }

    @Override
    public Mono<Boolean> add(String tenant, String sessionId, long bytes, long cap) {
        if (bytes < 0) {
            return Mono.error(new IllegalArgumentException("bytes must be >= 0, but was " + bytes));
        }
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                Map<String, Long> sessions = perTenant.getOrDefault(tenant, Map.of());
                long next = totals.getOrDefault(tenant, 0L) - sessions.getOrDefault(sessionId, 0L) + bytes;
                if (next > cap) {
                    return false;
                }
                perTenant.computeIfAbsent(tenant, t -> new HashMap<>()).put(sessionId, bytes);
                totals.put(tenant, next);
                return true;
            }
        });
    }

    @Override
    public Mono<Void> release(String tenant, String sessionId) {
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                Map<String, Long> sessions = perTenant.get(tenant);
                Long bytes = sessions == null ? null : sessions.remove(sessionId);
                if (bytes == null) {
                    return;
                }
                if (sessions.isEmpty()) {
                    perTenant.remove(tenant);
                    totals.remove(tenant);
                } else {
                    totals.merge(tenant, -bytes, Long::sum);
                }
            }
        });
    }
}
