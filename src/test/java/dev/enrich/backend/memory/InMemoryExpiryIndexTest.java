package dev.enrich.backend.memory;

import dev.enrich.backend.ExpiryIndexContract;
import dev.enrich.retention.ExpiryIndex;

/** The in-memory ExpiryIndex keeps the port's contract. */
class InMemoryExpiryIndexTest extends ExpiryIndexContract {

    @Override
    protected ExpiryIndex index() {
        return new InMemoryExpiryIndex();
    }
}
