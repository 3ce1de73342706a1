package dev.enrich.progress;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Estimate when a queued job starts. */
public final class QueueEstimate {

    private QueueEstimate() {}

    /**
     * Return the expected seconds until a queued job starts: {@code ceil(position / concurrency) * meanJobDuration},
     * rounded up to whole seconds; 0 when {@code position <= 0} (it starts now); {@code null} when the mean job
     * duration is unknown.
     *
     * @param position 1-based place in the queue (1 = next to start)
     * @param concurrency how many jobs run at once
     * @throws IllegalArgumentException when {@code concurrency <= 0} or the mean is negative
     */
    public static @Nullable Long expectedStartSeconds(
            int position, int concurrency, @Nullable Duration meanJobDuration) {
        if (concurrency <= 0) {
            throw new IllegalArgumentException("concurrency must be > 0, but was " + concurrency);
        }
        if (meanJobDuration != null && meanJobDuration.isNegative()) {
            throw new IllegalArgumentException("meanJobDuration must not be negative, but was " + meanJobDuration);
        }
        if (position <= 0) {
            return 0L;
        }
        if (meanJobDuration == null) {
            return null;
        }
        long rounds = (position + (long) concurrency - 1) / concurrency;
        return (long) Math.ceil(rounds * (meanJobDuration.toNanos() / 1e9));
    }
}
