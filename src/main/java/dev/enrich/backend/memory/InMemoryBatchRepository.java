package dev.enrich.backend.memory;

import dev.enrich.job.Batch;
import dev.enrich.job.BatchRepository;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import reactor.core.publisher.Mono;

/** Keep batches in memory. */
public final class InMemoryBatchRepository implements BatchRepository {

    private final ConcurrentMap<String, Batch> batches = new ConcurrentHashMap<>();

    @Override
    public Mono<Batch> save(Batch batch) {
        return Mono.fromSupplier(() -> {
            batches.put(batch.id(), batch);
            return batch;
        });
    }

    @Override
    public Mono<Void> delete(String id) {
        return Mono.fromRunnable(() -> batches.remove(id));
    }

    @Override
    public Mono<Batch> find(String tenant, String id) {
        return findById(id).filter(b -> b.tenant().equals(tenant));
    }

    @Override
    public Mono<Batch> findById(String id) {
        return Mono.fromSupplier(() -> batches.get(id));
    }

    @Override
    public Mono<Boolean> removeJobs(String batchId, Set<String> jobIds) {
        return Mono.fromSupplier(() -> batches.computeIfPresent(batchId, (id, batch) -> {
            List<String> kept = batch.jobIds().stream().filter(j -> !jobIds.contains(j)).toList();
            return kept.isEmpty() ? null : new Batch(id, batch.tenant(), kept, batch.createdAt());
        }) == null);
    }
}
