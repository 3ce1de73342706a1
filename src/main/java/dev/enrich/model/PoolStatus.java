package dev.enrich.model;

import java.util.List;

/**
 * Report the worker pool: capacity, load, queue and per-slot health.
 *
 * @param size number of slots (global job concurrency)
 * @param busy slots running a job
 * @param idle free slots
 * @param queued jobs waiting
 * @param queueCapacity the most jobs that can wait
 * @param accepting false while draining for shutdown
 * @param recycled slots recycled since start
 * @param acquisition queue-wait (acquisition) latency percentiles, from the {@code enrich.pool.acquisition} timer
 * @param slots per-slot health
 */
public record PoolStatus(
        int size,
        int busy,
        int idle,
        int queued,
        int queueCapacity,
        boolean accepting,
        long recycled,
        Latency acquisition,
        List<SlotHealth> slots) {

    /**
     * Summarise acquisition latencies in milliseconds, as the {@code enrich.pool.acquisition} timer publishes them:
     * percentiles and max over its recent window (2 minutes by default), within 0.1 %.
     *
     * @param samples how many jobs got a slot since start
     */
    public record Latency(int samples, long p50Millis, long p95Millis, long p99Millis, long maxMillis) {}
}
