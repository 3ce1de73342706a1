package dev.enrich.pool;

import dev.enrich.job.JobState;
import dev.enrich.model.PoolStatus;
import dev.enrich.queue.JobQueue;
import dev.enrich.queue.QueuedJob;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Observe dispatch as Micrometer meters: {@code enrich.pool.acquisition} (timer: how long each job waited in the
 * queue for a slot, with p50/p95/p99 published), the same wait as {@code enrich.queue.wait} (timer with a histogram,
 * for quantiles across replicas), {@code enrich.pool.busy} and {@code enrich.pool.queued} (gauges). The pool status
 * reads its acquisition percentiles from the acquisition timer.
 */
final class PoolMetrics implements DispatchListener {

    private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

    private final Timer acquisition;
    private final Timer queueWait;
    private final AtomicInteger busy = new AtomicInteger();

    PoolMetrics(MeterRegistry meters, JobQueue queue) {
        this.acquisition = Timer.builder("enrich.pool.acquisition")
                .description("Time a job waits in the queue for a worker slot")
                .publishPercentiles(PERCENTILES)
                .percentilePrecision(3)
                .register(meters);
        this.queueWait = Timer.builder("enrich.queue.wait")
                .description("Time from a job's queueing to its start")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(meters);
        Gauge.builder("enrich.pool.busy", busy, AtomicInteger::get)
                .description("Worker slots running a job")
                .register(meters);
        Gauge.builder("enrich.pool.queued", queue, JobQueue::size)
                .description("Jobs waiting for a worker slot")
                .register(meters);
    }

    @Override
    public void started(QueuedJob job, long startMillis) {
        busy.incrementAndGet();
        Duration waited = Duration.ofMillis(Math.max(0, startMillis - job.enqueuedAt().toEpochMilli()));
        acquisition.record(waited);
        queueWait.record(waited);
    }

    @Override
    public void finished(QueuedJob job, JobState state, long startMillis, long endMillis) {
        busy.decrementAndGet();
    }

    /**
     * Summarise acquisition latency from the timer: its count of jobs, and percentiles and max over its recent
     * window (Micrometer's distribution expiry, 2 minutes by default), in whole milliseconds.
     */
    PoolStatus.Latency acquisition() {
        HistogramSnapshot snapshot = acquisition.takeSnapshot();
        long[] millis = new long[PERCENTILES.length];
        for (ValueAtPercentile v : snapshot.percentileValues()) {
            for (int i = 0; i < PERCENTILES.length; i++) {
                if (v.percentile() == PERCENTILES[i]) {
                    millis[i] = Math.round(v.value(TimeUnit.MILLISECONDS));
                }
            }
        }
        return new PoolStatus.Latency((int) Math.min(Integer.MAX_VALUE, snapshot.count()), millis[0], millis[1],
                millis[2], Math.round(snapshot.max(TimeUnit.MILLISECONDS)));
    }
}
