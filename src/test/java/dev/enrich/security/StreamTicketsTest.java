package dev.enrich.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.config.SecurityProperties;
import dev.enrich.tenant.Caller;
import dev.enrich.testing.MutableClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Tickets are single use, bound to one stream, expire after their TTL, and a full store refuses, never evicts. */
class StreamTicketsTest {

    private static final String STREAM = "/api/v1/jobs/j-1/events";

    private final MutableClock clock = MutableClock.at("2025-01-01T00:00:00Z");
    private final Caller alice = new Caller("acme", "alice", false);
    private final StreamTickets tickets = new StreamTickets(new SecurityProperties.Tickets(Duration.ofSeconds(30), 2),
            clock);

    @Test
    void aTicketOpensItsStreamOnce() {
        StreamTickets.Ticket ticket = tickets.issue(alice, STREAM).orElseThrow();

        assertThat(ticket.expiresAt()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(tickets.redeem(ticket.value(), STREAM)).contains(alice);
        assertThat(tickets.redeem(ticket.value(), STREAM)).isEmpty();
    }

    @Test
    void aTicketForAnotherStreamIsRefusedAndUsedUp() {
        StreamTickets.Ticket ticket = tickets.issue(alice, STREAM).orElseThrow();

        assertThat(tickets.redeem(ticket.value(), "/api/v1/events")).isEmpty();
        assertThat(tickets.redeem(ticket.value(), STREAM)).isEmpty();
    }

    @Test
    void aTicketExpiresAfterItsTtl() {
        StreamTickets.Ticket early = tickets.issue(alice, STREAM).orElseThrow();
        StreamTickets.Ticket late = tickets.issue(alice, STREAM).orElseThrow();

        clock.advance(Duration.ofSeconds(29));
        assertThat(tickets.redeem(early.value(), STREAM)).contains(alice);
        clock.advance(Duration.ofSeconds(1));
        assertThat(tickets.redeem(late.value(), STREAM)).isEmpty();
    }

    @Test
    void aFullStoreRefusesNewTicketsButKeepsTheLiveOnes() {
        StreamTickets.Ticket first = tickets.issue(alice, STREAM).orElseThrow();
        StreamTickets.Ticket second = tickets.issue(alice, STREAM).orElseThrow();

        assertThat(tickets.issue(alice, STREAM)).isEmpty();
        assertThat(tickets.redeem(first.value(), STREAM)).contains(alice);
        assertThat(tickets.redeem(second.value(), STREAM)).contains(alice);
    }

    @Test
    void usedAndExpiredTicketsMakeRoom() {
        StreamTickets.Ticket used = tickets.issue(alice, STREAM).orElseThrow();
        tickets.issue(alice, STREAM).orElseThrow();
        tickets.redeem(used.value(), STREAM);

        Optional<StreamTickets.Ticket> third = tickets.issue(alice, STREAM);
        assertThat(third).isPresent();
        assertThat(tickets.issue(alice, STREAM)).isEmpty();

        clock.advance(Duration.ofSeconds(30));
        assertThat(tickets.issue(alice, STREAM)).isPresent();
        assertThat(tickets.issue(alice, STREAM)).isPresent();
        assertThat(tickets.issue(alice, STREAM)).isEmpty();
    }
}
