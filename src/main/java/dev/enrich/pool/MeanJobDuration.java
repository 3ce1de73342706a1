package dev.enrich.pool;

import dev.enrich.job.JobState;
import dev.enrich.queue.QueuedJob;
import java.time.Duration;
import java.util.Optional;

/** Observe how long jobs that produced something (COMPLETED or PARTIAL) took: an EWMA, for queue ETAs. */
final class MeanJobDuration implements DispatchListener {

    private static final double WEIGHT = 0.2;

    private double meanMillis = Double.NaN;

    @Override
    public void started(QueuedJob job, long startMillis) {}

    @Override
    public synchronized void finished(QueuedJob job, JobState state, long startMillis, long endMillis) {
        if (state == JobState.COMPLETED || state == JobState.PARTIAL) {
            long took = endMillis - startMillis;
            meanMillis = Double.isNaN(meanMillis) ? took : (1 - WEIGHT) * meanMillis + WEIGHT * took;
        }
    }

    /** Return the mean duration of recent jobs, if any finished. */
    synchronized Optional<Duration> get() {
        return Double.isNaN(meanMillis) ? Optional.empty() : Optional.of(Duration.ofMillis((long) meanMillis));
    }
}
