package dev.enrich.backend.memory;

import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageState;
import dev.enrich.session.StorageLimitException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keep jobs and stage results in memory: at most {@code maxJobs} in all and {@code maxPerTenant} per tenant. To make
 * room for a new job the oldest finished jobs (and their results) are forgotten, the tenant's own first when its
 * share is full; unfinished jobs are never dropped. When only unfinished jobs hold the room, the new job is refused
 * with {@link StorageLimitException}.
 */
public final class InMemoryJobRepository implements JobRepository {

    private final int maxJobs;
    private final int maxPerTenant;
    private final LinkedHashMap<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, LinkedHashSet<String>> byTenant = new HashMap<>();
    private final Map<String, Map<StageName, StageResult>> results = new HashMap<>();

    /**
     * Create the repository.
     *
     * @throws IllegalArgumentException when a cap is not positive
     */
    public InMemoryJobRepository(int maxJobs, int maxPerTenant) {
        if (maxJobs <= 0) {
            throw new IllegalArgumentException("maxJobs must be > 0, but was " + maxJobs);
        }
        if (maxPerTenant <= 0) {
            throw new IllegalArgumentException("maxPerTenant must be > 0, but was " + maxPerTenant);
        }
        this.maxJobs = maxJobs;
        this.maxPerTenant = maxPerTenant;
    }

    @Override
    public Mono<Job> save(Job job) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                if (!jobs.containsKey(job.id())) {
                    makeRoom(job.tenant());
                    byTenant.computeIfAbsent(job.tenant(), t -> new LinkedHashSet<>()).add(job.id());
                }
                jobs.put(job.id(), job);
            }
            return job;
        });
    }

    @Override
    public Mono<Boolean> transition(JobState from, Job next) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                Job current = jobs.get(next.id());
                if (current == null || current.state() != from
                        || from == JobState.RUNNING && next.delivery() > 0 && current.runOrder() > next.runOrder()) {
                    return false;
                }
                jobs.put(next.id(), next);
                return true;
            }
        });
    }

    @Override
    public Mono<Void> delete(String id) {
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                forget(id);
            }
        });
    }

    @Override
    public Mono<Job> find(String tenant, String id) {
        return findById(id).filter(j -> j.tenant().equals(tenant));
    }

    @Override
    public Mono<Job> findById(String id) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                return jobs.get(id);
            }
        });
    }

    @Override
    public Flux<Job> findByTenant(String tenant, int limit) {
        return Flux.defer(() -> Flux.fromIterable(select(j -> j.tenant().equals(tenant), limit)));
    }

    @Override
    public Flux<Job> findByState(JobState state, int limit) {
        return Flux.defer(() -> Flux.fromIterable(select(j -> j.state() == state, limit)));
    }

    @Override
    public Flux<Job> findBySession(String tenant, String sessionId) {
        return Flux.defer(() -> Flux.fromIterable(
                select(j -> j.tenant().equals(tenant) && j.sessionId().equals(sessionId), Integer.MAX_VALUE)));
    }

    @Override
    public Mono<Void> saveResult(String jobId, StageName stage, StageResult result) {
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                if (jobs.containsKey(jobId)) { // a forgotten job keeps no results
                    results.computeIfAbsent(jobId, k -> new EnumMap<>(StageName.class)).put(stage, result);
                }
            }
        });
    }

    @Override
    public Mono<Void> keepResult(String jobId, StageName stage, StageResult result) {
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                if (jobs.containsKey(jobId)) {
                    results.computeIfAbsent(jobId, k -> new EnumMap<>(StageName.class)).merge(stage, result,
                            (old, kept) -> old.state() == StageState.SUCCEEDED ? old : kept);
                }
            }
        });
    }

    @Override
    public Mono<Map<StageName, StageResult>> results(String jobId) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                Map<StageName, StageResult> r = results.get(jobId);
                return r == null ? Map.<StageName, StageResult>of() : Map.copyOf(r);
            }
        });
    }

    // Newest first, at most `limit`: the list is copied to its final size, since a subscriber (an open event stream's
    // snapshot) may hold on to it for as long as it lives.
    private synchronized List<Job> select(java.util.function.Predicate<Job> filter, int limit) {
        List<Job> out = new ArrayList<>();
        for (Job j : jobs.values()) {
            if (filter.test(j)) {
                out.add(j);
            }
        }
        out.sort(Comparator.comparing(Job::createdAt).reversed());
        return List.copyOf(out.subList(0, Math.min(limit, out.size())));
    }

    private void makeRoom(String tenant) {
        Set<String> own = byTenant.getOrDefault(tenant, new LinkedHashSet<>());
        if (own.size() >= maxPerTenant && !evictOldestFinished(own)) {
            throw new StorageLimitException(StorageLimitException.Scope.TENANT, "jobs", maxPerTenant);
        }
        if (jobs.size() >= maxJobs && !evictOldestFinished(jobs.keySet())) {
            throw new StorageLimitException(StorageLimitException.Scope.SERVICE, "jobs", maxJobs);
        }
    }

    // Ids iterate oldest first (insertion order); a replaced job keeps its place.
    private boolean evictOldestFinished(Set<String> ids) {
        for (String id : ids) {
            if (jobs.get(id).state().isTerminal()) {
                forget(id);
                return true;
            }
        }
        return false;
    }

    private void forget(String id) {
        Job job = jobs.remove(id);
        results.remove(id);
        if (job != null) {
            Set<String> own = byTenant.get(job.tenant());
            own.remove(id);
            if (own.isEmpty()) {
                byTenant.remove(job.tenant());
            }
        }
    }
}
