package dev.enrich.engine;

import dev.enrich.events.EventPublisher;
import dev.enrich.job.BatchRepository;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.pool.WorkerPool;
import dev.enrich.retention.ExpiryIndex;
import dev.enrich.session.MediaStore;
import dev.enrich.session.MediaUsage;
import dev.enrich.session.SessionRepository;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Delete a session with everything made from it, or every session of a tenant.
 *
 * <p>A session goes in this order: its record (so no new enrichment of it is accepted), its jobs cancelled (a run on
 * this replica is waited for, up to {@code stopWait}; a run elsewhere stops at its next step), its media and derived
 * files (and their bytes from the tenant's storage count), its jobs' places in their batches (a batch left with no
 * job goes, with its stream), then each job's event stream and the job record with its results, and last its entry
 * in the expiry index. A deletion that failed half-way can be repeated: what is left of the session is found through
 * its jobs; and the retention sweep, finding the indexed session gone, deletes what its media left.
 *
 * <p>Once subscribed, a deletion runs to its end even when the subscriber goes away (a client that hangs up), so it
 * never stops between two of these steps for that reason.
 */
public final class SessionDeletion {

    private static final Logger log = LoggerFactory.getLogger(SessionDeletion.class);
    /** Sessions of one tenant deleted at once. */
    private static final int TENANT_CONCURRENCY = 4;

    private final SessionRepository sessions;
    private final JobRepository jobs;
    private final BatchRepository batches;
    private final MediaStore media;
    private final MediaUsage usage;
    private final ExpiryIndex expiry;
    private final EventPublisher events;
    private final EnrichmentService service;
    private final WorkerPool pool;
    private final Duration stopWait;

    /**
     * Create the service.
     *
     * @param stopWait how long to wait for a cancelled job running here to stop before removing its data
     * @throws IllegalArgumentException when {@code stopWait} is negative
     */
    SessionDeletion(SessionRepository sessions, JobRepository jobs, BatchRepository batches, MediaStore media,
            MediaUsage usage, ExpiryIndex expiry, EventPublisher events, EnrichmentService service, WorkerPool pool,
            Duration stopWait) {
        if (stopWait.isNegative()) {
            throw new IllegalArgumentException("stopWait must be >= 0, but was " + stopWait);
        }
        this.sessions = sessions;
        this.jobs = jobs;
        this.batches = batches;
        this.media = media;
        this.usage = usage;
        this.expiry = expiry;
        this.events = events;
        this.service = service;
        this.pool = pool;
        this.stopWait = stopWait;
    }

    /**
     * Delete a session of a tenant: its record, jobs (cancelled first), stage results, media, derived files, storage
     * count, batch places, job event streams and expiry entry. Fails NOT_FOUND when the tenant holds nothing of that id (another tenant's id,
     * or one deleted already).
     */
    public Mono<Void> delete(String tenant, String sessionId) {
        return detached(remove(tenant, sessionId));
    }

    /**
     * Delete every session of a tenant as {@link #delete} does, then the tenant's own event stream; return how many
     * sessions went. A tenant with nothing stored is not an error (0).
     */
    public Mono<Long> deleteTenant(String tenant) {
        // The index, then what the tenant's jobs name: a session saved before the index existed is found that way.
        Flux<String> ids = Flux.concat(sessions.findIds(tenant),
                        jobs.findByTenant(tenant, Integer.MAX_VALUE).map(Job::sessionId))
                .distinct();
        Mono<Long> all = ids
                .flatMap(id -> remove(tenant, id).thenReturn(1)
                        .onErrorResume(EnrichException.class, e -> e.kind() == EnrichException.Kind.NOT_FOUND
                                ? Mono.empty() : Mono.error(e)), TENANT_CONCURRENCY)
                .count()
                .flatMap(n -> events.delete(EventPublisher.userStream(tenant)).thenReturn(n))
                .doOnNext(n -> log.info("tenant data deleted tenant={} sessions={}", tenant, n));
        return detached(all);
    }

    private Mono<Void> remove(String tenant, String sessionId) {
        return sessions.delete(tenant, sessionId)
                .flatMap(existed -> jobs.findBySession(tenant, sessionId).collectList().flatMap(first -> {
                    if (!existed && first.isEmpty()) {
                        return Mono.error(() -> new EnrichException(EnrichException.Kind.NOT_FOUND,
                                "We couldn't find that session."));
                    }
                    Set<String> stopped = first.stream().map(Job::id).collect(Collectors.toSet());
                    // Read again once those stopped: a job a racing request added meanwhile is stopped too.
                    return stopAll(first)
                            .then(jobs.findBySession(tenant, sessionId).collectList())
                            .flatMap(all -> stopAll(all.stream().filter(j -> !stopped.contains(j.id())).toList())
                                    .then(media.deleteSession(tenant, sessionId))
                                    .then(usage.release(tenant, sessionId))
                                    .then(leaveBatches(all))
                                    .then(Flux.fromIterable(all).concatMap(this::forget).then())
                                    .then(expiry.remove(new ExpiryIndex.SessionKey(tenant, sessionId))));
                }))
                .doOnSuccess(done -> log.info("session deleted tenant={} session={}", tenant, sessionId));
    }

    private Mono<Void> stopAll(List<Job> found) {
        return Flux.fromIterable(found)
                .flatMap(job -> (job.state().isTerminal() ? Mono.<Job>empty() : service.stop(job))
                        .then(stopped(job.id())))
                .then();
    }

    // A run on this replica is waited for; past the bound its data goes anyway (it was told to stop).
    private Mono<Void> stopped(String jobId) {
        return Mono.defer(() -> pool.whenStopped(jobId)).timeout(stopWait, Mono.fromRunnable(() -> log.warn(
                "deleting the data of job={} that has not stopped after {}", jobId, stopWait)));
    }

    private Mono<Void> leaveBatches(List<Job> all) {
        Map<String, Set<String>> byBatch = all.stream().filter(j -> j.batchId() != null)
                .collect(Collectors.groupingBy(j -> Objects.requireNonNull(j.batchId()),
                        Collectors.mapping(Job::id, Collectors.toSet())));
        return Flux.fromIterable(byBatch.entrySet())
                .concatMap(e -> batches.removeJobs(e.getKey(), e.getValue())
                        .flatMap(gone -> gone ? events.delete(EventPublisher.batchStream(e.getKey())) : Mono.empty()))
                .then();
    }

    // The record last: while it exists, a repeated deletion finds the job and finishes the work.
    private Mono<Void> forget(Job job) {
        return events.delete(EventPublisher.jobStream(job.id())).then(jobs.delete(job.id()));
    }

    private static <T> Mono<T> detached(Mono<T> work) {
        return Mono.fromFuture(work::toFuture, true);
    }
}
