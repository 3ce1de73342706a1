package dev.enrich.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.enrich.config.SecurityProperties;
import dev.enrich.tenant.Caller;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Issue and redeem EventSource tickets: random, short-lived, single-use, bound to one caller and one stream path.
 * A browser's EventSource cannot send an Authorization header, so it puts a ticket in the query string instead; a
 * ticket seen in a log or a proxy is useless a moment later. In memory: a replica redeems what it issued (sticky
 * streams or one replica; a shared store comes with the Redis backend). Held in a Caffeine cache that expires each
 * ticket its TTL after issue, on the given clock; it has no size bound of its own, since it must never evict a live
 * ticket: {@link #issue} refuses instead.
 */
public final class StreamTickets {

    /** An issued ticket. */
    public record Ticket(String value, Instant expiresAt) {

        @Override
        public String toString() {
            return "Ticket[expiresAt=" + expiresAt + "]"; // the value stays out of logs
        }
    }

    private record Grant(Caller caller, String path, Instant expiresAt) {}

    private final SecurityProperties.Tickets settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Cache<String, Grant> grants;

    StreamTickets(SecurityProperties.Tickets settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.grants = Caffeine.newBuilder()
                .expireAfterWrite(settings.ttl())
                .ticker(() -> {
                    Instant now = clock.instant();
                    return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
                })
                .executor(Runnable::run) // expired tickets are gone once cleanUp returns, so the count is exact
                .build();
    }

    /**
     * Issue a ticket that lets {@code caller} open the stream at {@code path} once, within the configured TTL; empty
     * when {@code maxOutstanding} unused tickets are live (valid tickets are never dropped to make room).
     */
    public Optional<Ticket> issue(Caller caller, String path) {
        grants.cleanUp();
        if (grants.estimatedSize() >= settings.maxOutstanding()) {
            return Optional.empty();
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = clock.instant().plus(settings.ttl());
        grants.put(value, new Grant(caller, path, expiresAt));
        return Optional.of(new Ticket(value, expiresAt));
    }

    /**
     * Redeem a ticket for the stream at {@code path}: the caller it was issued to, or empty when it is unknown, used,
     * expired or for another stream. A ticket is gone after its first use, whatever the outcome.
     */
    Optional<Caller> redeem(String value, String path) {
        Grant grant = grants.asMap().remove(value);
        if (grant == null || !clock.instant().isBefore(grant.expiresAt()) || !grant.path().equals(path)) {
            return Optional.empty();
        }
        return Optional.of(grant.caller());
    }
}
