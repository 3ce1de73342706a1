package dev.enrich.backend.memory;

import dev.enrich.backend.JobRepositoryContract;
import dev.enrich.job.JobRepository;

/** The in-memory JobRepository keeps the port's contract. */
class InMemoryJobRepositoryTest extends JobRepositoryContract {

    @Override
    protected JobRepository repository(int maxJobs, int maxPerTenant) {
        return new InMemoryJobRepository(maxJobs, maxPerTenant);
    }
}
