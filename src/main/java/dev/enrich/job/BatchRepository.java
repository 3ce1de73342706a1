package dev.enrich.job;

import java.util.Set;
import reactor.core.publisher.Mono;

/** Keep batches (port). Lookups are scoped by tenant. */
public interface BatchRepository {

    /** Save a batch. */
    Mono<Batch> save(Batch batch);

    /** Forget a batch (a batch refused at admission). */
    Mono<Void> delete(String id);

    /** Find a batch of a tenant; empty when unknown or owned by another tenant. */
    Mono<Batch> find(String tenant, String id);

    /** Find a batch by id alone, for the engine. */
    Mono<Batch> findById(String id);

    /**
     * Take jobs out of a batch, atomically: the batch keeps its other jobs in their order, and a batch left with no
     * job is deleted. Return true when the batch is gone afterwards (deleted now, or unknown).
     */
    Mono<Boolean> removeJobs(String batchId, Set<String> jobIds);
}
