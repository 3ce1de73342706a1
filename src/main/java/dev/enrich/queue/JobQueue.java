package dev.enrich.queue;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * Hold jobs waiting for a worker slot, bounded, and hand them out in a fair order (port).
 *
 * <p>Order: {@link dev.enrich.job.Priority#INTERACTIVE} before {@link dev.enrich.job.Priority#BATCH}, with an
 * anti-starvation rule so batch work still moves under steady interactive load; within a priority, tenants take
 * turns (round robin), and each tenant's jobs are FIFO. So one tenant's 500-job batch never starves another tenant's
 * single job. Thread-safe.
 */
public interface JobQueue {

    /** Add a job; return false (and change nothing) when the queue is full or the job is already queued. */
    boolean offer(QueuedJob job);

    /** Remove and return the next job by the fair order; empty when the queue is empty. */
    default Optional<QueuedJob> poll() {
        return poll(tenant -> true);
    }

    /**
     * Remove and return the next job by the fair order among tenants that {@code mayStart} allows (tenants at their
     * running cap keep their jobs and their turn); empty when no allowed tenant has a job.
     */
    Optional<QueuedJob> poll(Predicate<String> mayStart);

    /** Return the number of {@code tenant}'s queued jobs. */
    int size(String tenant);

    /** Remove a queued job (it was cancelled); return false when it was not queued. */
    boolean remove(String jobId);

    /** Return the number of queued jobs. */
    int size();

    /** Return the most jobs the queue holds. */
    int capacity();

    /** Return the 1-based position a job would be taken at if nothing else arrived; empty when not queued. */
    OptionalInt position(String jobId);
}
