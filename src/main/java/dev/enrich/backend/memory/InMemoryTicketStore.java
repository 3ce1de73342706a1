package dev.enrich.backend.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.enrich.config.SecurityProperties;
import dev.enrich.security.TicketStore;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;

/**
 * Keep stream tickets in this process: a replica redeems only what it issued (sticky streams or one replica). A
 * Caffeine cache expires each grant the TTL after it was put, on the given clock; it has no size bound of its own,
 * since it must never evict a live grant: {@link #put} refuses instead once {@code maxOutstanding} are held.
 */
public final class InMemoryTicketStore implements TicketStore {

    private final int maxOutstanding;
    private final Cache<String, Grant> grants;

    /** Hold at most {@code settings.maxOutstanding()} grants, each for {@code settings.ttl()} on {@code clock}. */
    public InMemoryTicketStore(SecurityProperties.Tickets settings, Clock clock) {
        this.maxOutstanding = settings.maxOutstanding();
        this.grants = Caffeine.newBuilder()
                .expireAfterWrite(settings.ttl())
                .ticker(() -> {
                    Instant now = clock.instant();
                    return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
                })
                .executor(Runnable::run) // expired grants are gone once cleanUp returns, so the count is exact
                .build();
    }

    @Override
    public Mono<Boolean> put(String key, Grant grant) {
        return Mono.fromSupplier(() -> {
            synchronized (grants) { // the count and the put it allows, one at a time
                grants.cleanUp();
                if (grants.estimatedSize() >= maxOutstanding) {
                    return false;
                }
                grants.put(key, grant);
                return true;
            }
        });
    }

    @Override
    public Mono<Grant> take(String key) {
        return Mono.fromSupplier(() -> grants.asMap().remove(key));
    }
}
