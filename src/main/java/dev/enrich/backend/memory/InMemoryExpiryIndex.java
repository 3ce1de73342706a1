package dev.enrich.backend.memory;

import dev.enrich.retention.ExpiryIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Keep the expiry index in memory: a map for the times and a sorted set to read only what is due. */
public final class InMemoryExpiryIndex implements ExpiryIndex {

    private static final Comparator<Due> ORDER = Comparator.comparing(Due::at)
            .thenComparing(d -> d.session().tenant())
            .thenComparing(d -> d.session().sessionId());

    private final Map<SessionKey, Instant> times = new HashMap<>();
    private final TreeSet<Due> byTime = new TreeSet<>(ORDER);

    @Override
    public Mono<Void> schedule(SessionKey session, Instant at) {
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                put(session, at);
            }
        });
    }

    private void put(SessionKey session, Instant at) {
        Instant old = times.put(session, at);
        if (old != null) {
            byTime.remove(new Due(old, session));
        }
        byTime.add(new Due(at, session));
    }

    @Override
    public Flux<SessionKey> claim(Instant now, Duration lease, int limit) {
        return Flux.defer(() -> {
            List<SessionKey> taken = new ArrayList<>();
            synchronized (this) {
                for (Due due : byTime) {
                    if (due.at().isAfter(now) || taken.size() == limit) {
                        break;
                    }
                    taken.add(due.session());
                }
                taken.forEach(s -> put(s, now.plus(lease)));
            }
            return Flux.fromIterable(taken);
        });
    }

    @Override
    public Mono<Void> remove(SessionKey session) {
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                Instant old = times.remove(session);
                if (old != null) {
                    byTime.remove(new Due(old, session));
                }
            }
        });
    }

    @Override
    public Mono<Long> size() {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                return (long) times.size();
            }
        });
    }

    private record Due(Instant at, SessionKey session) {}
}
