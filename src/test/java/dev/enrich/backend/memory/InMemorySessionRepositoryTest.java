package dev.enrich.backend.memory;

import dev.enrich.backend.SessionRepositoryContract;
import dev.enrich.session.SessionRepository;

/** The in-memory SessionRepository keeps the port's contract. */
class InMemorySessionRepositoryTest extends SessionRepositoryContract {

    @Override
    protected SessionRepository repository(int maxSessions, int maxPerTenant) {
        return new InMemorySessionRepository(maxSessions, maxPerTenant);
    }
}
