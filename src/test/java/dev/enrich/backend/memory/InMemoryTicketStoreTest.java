package dev.enrich.backend.memory;

import dev.enrich.config.SecurityProperties;
import dev.enrich.security.StreamTicketsContract;
import dev.enrich.security.TicketStore;
import dev.enrich.testing.MutableClock;

/** Stream tickets in one process keep the contract. */
class InMemoryTicketStoreTest extends StreamTicketsContract {

    @Override
    protected TicketStore store(SecurityProperties.Tickets settings, MutableClock clock) {
        return new InMemoryTicketStore(settings, clock);
    }
}
