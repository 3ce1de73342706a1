package dev.enrich.backend.memory;

import dev.enrich.idempotency.IdempotencyStore;
import dev.enrich.idempotency.StoredResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Remember submissions in this process, each until its own deadline on the given clock: a claim until the end of its
 * lease, a response until the end of its TTL. Past {@code maxKeys} keys, the oldest answered keys go first (a retry of
 * one is then a new request); a key in flight never goes, so copies sent at once still make one submission. Each change
 * is one step under the store's lock.
 *
 * <p>Written by hand: a size-bounded cache (Caffeine's W-TinyLFU) chooses by frequency, so it could evict a claim in
 * flight or turn away the newest answer, which is the one most likely to be retried.
 */
final class InMemoryIdempotencyStore implements IdempotencyStore {

    private static final Logger log = LoggerFactory.getLogger(InMemoryIdempotencyStore.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int maxKeys;
    private final Clock clock;
    /** Keys in the order they were claimed, or answered (an answer moves its key to the end). Guarded by this. */
    private final LinkedHashMap<Scoped, Entry> entries = new LinkedHashMap<>();
    private @Nullable Long lastWarning; // guarded by this

    InMemoryIdempotencyStore(int maxKeys, Clock clock) {
        if (maxKeys <= 0) {
            throw new IllegalArgumentException("maxKeys must be > 0, but was " + maxKeys);
        }
        this.maxKeys = maxKeys;
        this.clock = clock;
    }

    @Override
    public Mono<Claim> claim(String tenant, String key, Duration lease) {
        return Mono.fromSupplier(() -> {
            long now = nanos();
            Scoped scoped = new Scoped(tenant, key);
            synchronized (this) {
                Entry held = live(scoped, now);
                if (held == null) {
                    String token = UUID.randomUUID().toString();
                    entries.put(scoped, new Entry(token, null, now + lease.toNanos()));
                    makeRoom(now);
                    return new Acquired(token);
                }
                StoredResponse response = held.response();
                return response != null ? new Completed(response)
                        : new InFlight(Duration.ofNanos(Math.max(0, held.deadline() - now)));
            }
        });
    }

    @Override
    public Mono<Boolean> renew(String tenant, String key, String token, Duration lease) {
        return Mono.fromSupplier(() -> {
            long now = nanos();
            return replace(new Scoped(tenant, key), token, now, new Entry(token, null, now + lease.toNanos()));
        });
    }

    @Override
    public Mono<Boolean> complete(String tenant, String key, String token, StoredResponse response, Duration ttl) {
        return Mono.fromSupplier(() -> {
            long now = nanos();
            return replace(new Scoped(tenant, key), token, now, new Entry(null, response, now + ttl.toNanos()));
        });
    }

    @Override
    public Mono<Void> release(String tenant, String key, String token) {
        return Mono.fromRunnable(() -> {
            Scoped scoped = new Scoped(tenant, key);
            synchronized (this) {
                Entry held = entries.get(scoped);
                if (held != null && held.heldBy(token)) {
                    entries.remove(scoped);
                }
            }
        });
    }

    // A claim renewed stays in place; an answer moves its key to the end (it is evicted last).
    private synchronized boolean replace(Scoped scoped, String token, long now, Entry next) {
        Entry held = live(scoped, now);
        if (held == null || !held.heldBy(token)) {
            return false;
        }
        if (next.response() != null) {
            entries.remove(scoped);
        }
        entries.put(scoped, next);
        return true;
    }

    // The entry of a key, unless its deadline passed (then it is forgotten).
    private @Nullable Entry live(Scoped scoped, long now) {
        Entry held = entries.get(scoped);
        if (held != null && held.deadline() - now <= 0) {
            entries.remove(scoped);
            return null;
        }
        return held;
    }

    // Past the bound: forget the oldest keys that expired or were answered; claims in flight stay. From the oldest
    // end, so a full store pays for the few claims it passes, not for its size.
    private void makeRoom(long now) {
        boolean answerDropped = false;
        for (Iterator<Map.Entry<Scoped, Entry>> it = entries.entrySet().iterator();
                entries.size() > maxKeys && it.hasNext(); ) {
            Entry e = it.next().getValue();
            boolean expired = e.deadline() - now <= 0;
            if (expired || e.response() != null) {
                it.remove();
                answerDropped |= !expired;
            }
        }
        Long last = lastWarning;
        if (answerDropped && (last == null || now - last > WARN_EVERY_NANOS)) {
            lastWarning = now;
            log.warn("idempotency keys past enrich.idempotency.max-keys={}: the oldest answered keys are forgotten "
                    + "before their TTL (raise the bound, or use the Redis backend)", maxKeys);
        }
    }

    /** Return how many keys are held. */
    synchronized long size() {
        return entries.size();
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
}
