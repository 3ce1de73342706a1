package dev.enrich.pipeline;

import java.time.Duration;
import java.util.Optional;

/**
 * Bound how long a stage may run: a time budget scaled from its expected duration, and a stall timeout.
 *
 * <p>The budget is {@code factor} times the stage's expected duration (learned, scaled by media length when known),
 * kept between {@code floor} and {@code cap}; a stage never seen before gets the cap. A stage that emits no progress
 * for {@code stallTimeout} has stalled.
 *
 * @param floor the least budget, > 0
 * @param cap the largest budget, >= floor
 * @param factor how many times the expected duration a stage may take, >= 1
 * @param stallTimeout the longest a stage may go without a progress signal, > 0
 */
public record StageLimits(Duration floor, Duration cap, double factor, Duration stallTimeout) {

    /**
     * @throws IllegalArgumentException when a value is out of range
     */
    public StageLimits {
        if (floor.isNegative() || floor.isZero()) {
            throw new IllegalArgumentException("floor must be > 0, but was " + floor);
        }
        if (cap.compareTo(floor) < 0) {
            throw new IllegalArgumentException("cap must be >= floor (" + floor + "), but was " + cap);
        }
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be >= 1, but was " + factor);
        }
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stallTimeout must be > 0, but was " + stallTimeout);
        }
    }

    /** Return the budget for a stage expected to take {@code expected} (the cap when unknown). */
    public Duration budget(Optional<Duration> expected) {
        if (expected.isEmpty()) {
            return cap;
        }
        double nanos = expected.get().toNanos() * factor;
        if (!(nanos < cap.toNanos())) {
            return cap;
        }
        Duration scaled = Duration.ofNanos(Math.round(nanos));
        return scaled.compareTo(floor) < 0 ? floor : scaled;
    }
}
