package dev.enrich.security;

import dev.enrich.config.SecurityProperties;
import dev.enrich.tenant.Caller;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * Issue and redeem EventSource tickets: random, short-lived, single-use, bound to one caller and one stream path.
 * A browser's EventSource cannot send an Authorization header, so it puts a ticket in the query string instead; a
 * ticket seen in a log or a proxy is useless a moment later. Tickets are kept in the backend's {@link TicketStore}
 * under their SHA-256 digest: in memory a replica redeems what it issued, on Redis any replica redeems what any
 * replica issued, once. Expiry is judged on the given clock; a full store refuses new tickets.
 */
public final class StreamTickets {

    /** An issued ticket. */
    public record Ticket(String value, Instant expiresAt) {

        @Override
        public String toString() {
            return "Ticket[expiresAt=" + expiresAt + "]"; // the value stays out of logs
        }
    }

    private final TicketStore store;
    private final SecurityProperties.Tickets settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** Issue tickets valid for {@code settings.ttl()} on {@code clock}, kept in {@code store}. */
    public StreamTickets(TicketStore store, SecurityProperties.Tickets settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Issue a ticket that lets {@code caller} open the stream at {@code path} once, within the configured TTL; empty
     * when the store is full of unused live tickets (valid tickets are never dropped to make room).
     */
    public Mono<Optional<Ticket>> issue(Caller caller, String path) {
        return Mono.defer(() -> {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Instant expiresAt = clock.instant().plus(settings.ttl());
            return store.put(ApiKeys.sha256(value), new TicketStore.Grant(caller, path, expiresAt))
                    .map(kept -> kept ? Optional.of(new Ticket(value, expiresAt)) : Optional.empty());
        });
    }

    /**
     * Redeem a ticket for the stream at {@code path}: the caller it was issued to, or empty when it is unknown, used,
     * expired or for another stream. A ticket is gone after its first use, whatever the outcome.
     */
    Mono<Caller> redeem(String value, String path) {
        return Mono.defer(() -> store.take(ApiKeys.sha256(value)))
                .filter(grant -> clock.instant().isBefore(grant.expiresAt()) && grant.path().equals(path))
                .map(TicketStore.Grant::caller);
    }
}
