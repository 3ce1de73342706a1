package dev.enrich.pool;

import dev.enrich.model.SlotHealth;
import org.jspecify.annotations.Nullable;

/** Track one worker slot's current job and health; guarded by the {@link SlotTracker}'s lock. */
final class Slot {

    final int number;
    int generation;
    long generationStartMillis;
    long jobsRun;
    long failures;
    long totalDurationMillis;
    int consecutiveFailures;
    @Nullable String jobId;
    /** The thread jobs in this slot start on; null when jobs start on the dispatching thread. */
    @Nullable SlotWorker worker;

    Slot(int number, long nowMillis, boolean ownWorker) {
        this.number = number;
        this.generationStartMillis = nowMillis;
        this.worker = ownWorker ? new SlotWorker(number, 0) : null;
    }

    void finished(long durationMillis, boolean failed) {
        jobsRun++;
        totalDurationMillis += durationMillis;
        if (failed) {
            failures++;
            consecutiveFailures++;
        } else {
            consecutiveFailures = 0;
        }
        jobId = null;
    }

    /** Start a new generation: health starts over and a worker of its own is replaced by a fresh one. */
    void recycle(long nowMillis) {
        generation++;
        if (worker != null) {
            worker.retire();
            worker = new SlotWorker(number, generation);
        }
        generationStartMillis = nowMillis;
        jobsRun = 0;
        failures = 0;
        totalDurationMillis = 0;
        consecutiveFailures = 0;
    }

    SlotHealth health(long nowMillis) {
        return new SlotHealth(number, generation, jobId != null, jobId, jobsRun, failures,
                jobsRun == 0 ? 0 : (double) failures / jobsRun,
                jobsRun == 0 ? 0 : totalDurationMillis / jobsRun,
                Math.max(0, (nowMillis - generationStartMillis) / 1000), worker == null ? null : worker.name());
    }
}
