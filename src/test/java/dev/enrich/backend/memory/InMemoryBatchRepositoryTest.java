package dev.enrich.backend.memory;

import dev.enrich.backend.BatchRepositoryContract;
import dev.enrich.job.BatchRepository;

/** The in-memory BatchRepository keeps the port's contract. */
class InMemoryBatchRepositoryTest extends BatchRepositoryContract {

    @Override
    protected BatchRepository repository() {
        return new InMemoryBatchRepository();
    }
}
