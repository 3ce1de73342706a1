package dev.enrich.backend.memory;

import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keep jobs and stage results in memory. Holds at most {@code maxJobs}: beyond that the oldest finished jobs (and
 * their results) are forgotten; unfinished jobs are never dropped.
 */
public final class InMemoryJobRepository implements JobRepository {

    private final int maxJobs;
    private final LinkedHashMap<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, Map<StageName, StageResult>> results = new LinkedHashMap<>();

    public InMemoryJobRepository(int maxJobs) {
        if (maxJobs <= 0) {
            throw new IllegalArgumentException("maxJobs must be > 0, but was " + maxJobs);
        }
        this.maxJobs = maxJobs;
    }

    @Override
    public Mono<Job> save(Job job) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                jobs.put(job.id(), job);
                evict();
            }
            return job;
        });
    }

    @Override
    public Mono<Void> delete(String id) {
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                jobs.remove(id);
                results.remove(id);
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
        return Flux.defer(() -> Flux.fromIterable(select(j -> j.tenant().equals(tenant)))).take(limit);
    }

    @Override
    public Flux<Job> findByState(JobState state, int limit) {
        return Flux.defer(() -> Flux.fromIterable(select(j -> j.state() == state))).take(limit);
    }

    @Override
    public Flux<Job> findBySession(String tenant, String sessionId) {
        return Flux.defer(() -> Flux.fromIterable(
                select(j -> j.tenant().equals(tenant) && j.sessionId().equals(sessionId))));
    }

    @Override
    public Mono<Void> saveResult(String jobId, StageName stage, StageResult result) {
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                results.computeIfAbsent(jobId, k -> new EnumMap<>(StageName.class)).put(stage, result);
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

    private synchronized List<Job> select(java.util.function.Predicate<Job> filter) {
        List<Job> out = new ArrayList<>();
        for (Job j : jobs.values()) {
            if (filter.test(j)) {
                out.add(j);
            }
        }
        out.sort(Comparator.comparing(Job::createdAt).reversed());
        return out;
    }

    private void evict() {
        Iterator<Map.Entry<String, Job>> it = jobs.entrySet().iterator();
        while (jobs.size() > maxJobs && it.hasNext()) {
            Map.Entry<String, Job> e = it.next();
            if (e.getValue().state().isTerminal()) {
                it.remove();
                results.remove(e.getKey());
            }
        }
    }
}
