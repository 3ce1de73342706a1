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

    Slot(int number, long nowMillis) {
        this.number = number;
        this.generationStartMillis = nowMillis;
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

    void recycle(long nowMillis) {
        generation++;
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
                Math.max(0, (nowMillis - generationStartMillis) / 1000));
    }
}
