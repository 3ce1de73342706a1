package dev.enrich.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.config.SecurityProperties;
import dev.enrich.tenant.Caller;
import dev.enrich.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * What stream tickets do over every {@link TicketStore}: single use, bound to one stream, expire after their TTL,
 * and a full store refuses, never evicts. Each backend runs it against its store.
 */
public abstract class StreamTicketsContract {

    protected static final Duration WAIT = Duration.ofSeconds(10);
    private static final String STREAM = "/api/v1/jobs/j-1/events";

    protected final MutableClock clock = MutableClock.at("2025-01-01T00:00:00Z");
    private final Caller alice = new Caller("acme", "alice", false);
    private final SecurityProperties.Tickets settings = new SecurityProperties.Tickets(Duration.ofSeconds(30), 2);
    private final TicketStore store = store(settings, clock);
    private final StreamTickets tickets = new StreamTickets(store, settings, clock);

    /** Return an empty store with these settings, judging expiry on {@code clock}. */
    protected abstract TicketStore store(SecurityProperties.Tickets settings, MutableClock clock);

    /**
     * Return a second handle on the store behind the last {@link #store}, as another replica would hold one; the
     * default is that store itself (a store inside one process has no other handle).
     */
    protected TicketStore otherReplica(TicketStore first, SecurityProperties.Tickets settings, MutableClock clock) {
        return first;
    }

    @Test
    void aTicketOpensItsStreamOnce() {
        StreamTickets.Ticket ticket = issue();

        assertThat(ticket.expiresAt()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(redeem(tickets, ticket)).contains(alice);
        assertThat(redeem(tickets, ticket)).isEmpty();
    }

    @Test
    void aTicketIssuedOnOneReplicaOpensItsStreamOnceOnAnother() {
        StreamTickets other = otherTickets();
        StreamTickets.Ticket ticket = issue();

        assertThat(redeem(other, ticket)).contains(alice);
        assertThat(redeem(tickets, ticket)).as("again where it was issued").isEmpty();
        assertThat(redeem(other, ticket)).as("again where it was redeemed").isEmpty();
    }

    @Test
    void ofManyConcurrentRedemptionsOnBothReplicasExactlyOneSucceeds() {
        StreamTickets other = otherTickets();
        for (int round = 0; round < 20; round++) {
            StreamTickets.Ticket ticket = issue();
            List<Caller> admitted = Flux.range(0, 16)
                    .flatMap(i -> (i % 2 == 0 ? tickets : other).redeem(ticket.value(), STREAM)
                            .subscribeOn(Schedulers.parallel()))
                    .collectList()
                    .block(WAIT);
            assertThat(admitted).as("admitted in round " + round).containsExactly(alice);
        }
    }

    @Test
    void aTicketForAnotherStreamIsRefusedAndUsedUp() {
        StreamTickets.Ticket ticket = issue();

        assertThat(tickets.redeem(ticket.value(), "/api/v1/events").blockOptional(WAIT)).isEmpty();
        assertThat(redeem(tickets, ticket)).isEmpty();
    }

    @Test
    void anUnknownTicketIsRefused() {
        assertThat(tickets.redeem("no-such-ticket", STREAM).blockOptional(WAIT)).isEmpty();
    }

    @Test
    void aTicketExpiresAfterItsTtl() {
        StreamTickets.Ticket early = issue();
        StreamTickets.Ticket late = issue();

        clock.advance(Duration.ofSeconds(29));
        assertThat(redeem(tickets, early)).contains(alice);
        clock.advance(Duration.ofSeconds(1));
        assertThat(redeem(tickets, late)).isEmpty();
    }

    @Test
    void aFullStoreRefusesNewTicketsButKeepsTheLiveOnes() {
        StreamTickets.Ticket first = issue();
        StreamTickets.Ticket second = issue();

        assertThat(tickets.issue(alice, STREAM).block(WAIT)).isEmpty();
        assertThat(otherTickets().issue(alice, STREAM).block(WAIT)).as("on another replica").isEmpty();
        assertThat(redeem(tickets, first)).contains(alice);
        assertThat(redeem(tickets, second)).contains(alice);
    }

    @Test
    void usedAndExpiredTicketsMakeRoom() {
        StreamTickets.Ticket used = issue();
        issue();
        redeem(tickets, used);

        Optional<StreamTickets.Ticket> third = tickets.issue(alice, STREAM).block(WAIT);
        assertThat(third).isPresent();
        assertThat(tickets.issue(alice, STREAM).block(WAIT)).isEmpty();

        clock.advance(Duration.ofSeconds(30));
        assertThat(tickets.issue(alice, STREAM).block(WAIT)).isPresent();
        assertThat(tickets.issue(alice, STREAM).block(WAIT)).isPresent();
        assertThat(tickets.issue(alice, STREAM).block(WAIT)).isEmpty();
    }

    private StreamTickets otherTickets() {
        return new StreamTickets(otherReplica(store, settings, clock), settings, clock);
    }

    private StreamTickets.Ticket issue() {
        return tickets.issue(alice, STREAM).block(WAIT).orElseThrow();
    }

    private static Optional<Caller> redeem(StreamTickets tickets, StreamTickets.Ticket ticket) {
        return tickets.redeem(ticket.value(), STREAM).blockOptional(WAIT);
    }
}
