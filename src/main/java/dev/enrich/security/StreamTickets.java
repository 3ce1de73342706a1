package dev.enrich.security;

import dev.enrich.config.SecurityProperties;
import dev.enrich.tenant.Caller;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Issue and redeem EventSource tickets: random, short-lived, single-use, bound to one caller and one stream path.
 * A browser's EventSource cannot send an Authorization header, so it puts a ticket in the query string instead; a
 * ticket seen in a log or a proxy is useless a moment later. In memory: a replica redeems what it issued (sticky
 * streams or one replica; a shared store comes with the Redis backend).
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
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();

    StreamTickets(SecurityProperties.Tickets settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Issue a ticket that lets {@code caller} open the stream at {@code path} once, within the configured TTL; empty
     * when {@code maxOutstanding} unused tickets are live (valid tickets are never dropped to make room).
     */
    public Optional<Ticket> issue(Caller caller, String path) {
        purge();
        if (grants.size() >= settings.maxOutstanding()) {
            return Optional.empty();
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = clock.instant().plus(settings.ttl());
        grants.put(value, new Grant(caller, path, expiresAt));
        order.add(value);
        return Optional.of(new Ticket(value, expiresAt));
    }

    /**
     * Redeem a ticket for the stream at {@code path}: the caller it was issued to, or empty when it is unknown, used,
     * expired or for another stream. A ticket is gone after its first use, whatever the outcome.
     */
    Optional<Caller> redeem(String value, String path) {
        Grant grant = grants.remove(value);
        if (grant == null || !clock.instant().isBefore(grant.expiresAt()) || !grant.path().equals(path)) {
            return Optional.empty();
        }
        return Optional.of(grant.caller());
    }

    private void purge() {
        Instant now = clock.instant();
        Iterator<String> it = order.iterator();
        while (it.hasNext()) {
            String value = it.next();
            Grant grant = grants.get(value);
            if (grant != null && now.isBefore(grant.expiresAt())) {
                break; // issued in order: everything after this one is younger
            }
            grants.remove(value);
            it.remove();
        }
    }
}
