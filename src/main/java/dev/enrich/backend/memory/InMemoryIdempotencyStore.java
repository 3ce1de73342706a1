package dev.enrich.backend.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.enrich.idempotency.IdempotencyStore;
import dev.enrich.idempotency.StoredResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Remember submissions in this process: a Caffeine cache of at most {@code maxKeys} entries (past it, those least
 * likely to be asked for again go), each expiring at its own deadline on the given clock: a claim at the end of its
 * lease, a response at the end of its TTL. Each change is one atomic step on the cache's map.
 */
final class InMemoryIdempotencyStore implements IdempotencyStore {

    private final Clock clock;
    private final Cache<Scoped, Entry> entries;

    InMemoryIdempotencyStore(int maxKeys, Clock clock) {
        this.clock = clock;
        this.entries = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfter(new UntilDeadline())
                .ticker(this::nanos)
                .build();
    }

    @Override
    public Mono<Claim> claim(String tenant, String key, Duration lease) {
        return Mono.fromSupplier(() -> {
            long now = nanos();
            Entry claim = new Entry(UUID.randomUUID().toString(), null, now + lease.toNanos());
            Entry held = entries.asMap().putIfAbsent(new Scoped(tenant, key), claim);
            if (held == null) {
                return new Acquired(Objects.requireNonNull(claim.token()));
            }
            StoredResponse response = held.response();
            return response != null ? new Completed(response)
                    : new InFlight(Duration.ofNanos(Math.max(0, held.deadline() - now)));
        });
    }

    @Override
    public Mono<Boolean> renew(String tenant, String key, String token, Duration lease) {
        return replace(tenant, key, token, new Entry(token, null, nanos() + lease.toNanos()));
    }

    @Override
    public Mono<Boolean> complete(String tenant, String key, String token, StoredResponse response, Duration ttl) {
        return replace(tenant, key, token, new Entry(null, response, nanos() + ttl.toNanos()));
    }

    @Override
    public Mono<Void> release(String tenant, String key, String token) {
        return Mono.fromRunnable(() -> entries.asMap().computeIfPresent(new Scoped(tenant, key),
                (k, held) -> held.heldBy(token) ? null : held));
    }

    private Mono<Boolean> replace(String tenant, String key, String token, Entry next) {
        return Mono.fromSupplier(() -> entries.asMap().computeIfPresent(new Scoped(tenant, key),
                (k, held) -> held.heldBy(token) ? next : held) == next);
    }

    /** Return how many keys are held, once pending expiries and evictions are done. */
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    private long nanos() {
        Instant now = clock.instant();
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }

    private record Scoped(String tenant, String key) {}

    /** A claim (token, no response) or a completed submission (response, no token), until its deadline. */
    private record Entry(@Nullable String token, @Nullable StoredResponse response, long deadline) {

        boolean heldBy(String claimant) {
            return response == null && claimant.equals(token);
        }
    }

    private static final class UntilDeadline implements Expiry<Scoped, Entry> {

        @Override
        public long expireAfterCreate(Scoped key, Entry value, long currentTime) {
            return value.deadline() - currentTime;
        }

        @Override
        public long expireAfterUpdate(Scoped key, Entry value, long currentTime, long currentDuration) {
            return value.deadline() - currentTime;
        }

        @Override
        public long expireAfterRead(Scoped key, Entry value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
