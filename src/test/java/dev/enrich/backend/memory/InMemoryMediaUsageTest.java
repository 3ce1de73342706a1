package dev.enrich.backend.memory;

import dev.enrich.backend.MediaUsageContract;
import dev.enrich.session.MediaUsage;

/** The in-memory MediaUsage keeps the port's contract. */
class InMemoryMediaUsageTest extends MediaUsageContract {

    @Override
    protected MediaUsage usage() {
        return new InMemoryMediaUsage();
    }
}
