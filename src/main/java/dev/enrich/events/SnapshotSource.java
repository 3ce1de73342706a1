package dev.enrich.events;

import dev.enrich.job.BatchView;
import dev.enrich.job.Job;
import dev.enrich.job.JobView;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Read what the snapshots of event streams show, scoped by tenant (port; the engine implements it). Another tenant's
 * ids are not found.
 */
public interface SnapshotSource {

    /** Find a job of a tenant; fails with the engine's not-found error when there is none. */
    Mono<Job> job(String tenant, String jobId);

    /** Show a job as its owner sees it now (with its queue position while queued). */
    JobView view(Job job);

    /** Show a batch of a tenant as it stands now; fails with the engine's not-found error when there is none. */
    Mono<BatchView> batchView(String tenant, String batchId);

    /** List the views of a tenant's most recent jobs, newest first, at most {@code limit}. */
    Flux<JobView> recentJobViews(String tenant, int limit);
}
