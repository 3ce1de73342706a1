package dev.enrich.progress;

import dev.enrich.pipeline.StageName;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Track one job's progress and ETA. Thread-safe: all methods synchronize on this instance.
 *
 * <p>Every method that depends on time takes the current time in milliseconds from a monotonic clock (e.g.
 * {@code System.nanoTime() / 1_000_000}), so callers and tests control time.
 *
 * <p>{@link #overall()} weights stages by the expected durations known to the model when the job was created
 * (stages without history get the mean of the known ones, or equal weights when none is known), so it never goes
 * backwards. {@link #etaSeconds(long)} is time-based: the critical path through the remaining stage DAG, where a
 * stage's remaining time comes from history until it reports progress and then from elapsed/progress, blended with
 * history; successive readings are smoothed.
 */
public final class JobProgress {

    /** Time constant of the exponential smoothing of the estimated finish time. */
    static final double SMOOTHING_SECONDS = 10;
    /** Smallest remaining time of an unfinished stage that has outrun its history. */
    static final double FLOOR_SECONDS = 1;
    /** Highest overall progress reported while some stage is unfinished. */
    static final double MAX_UNFINISHED = 0.99;

    private final Set<StageName> stages;
    private final DurationModel model;
    private final @Nullable Duration mediaLength;
    private final Map<StageName, Double> weights;
    private final Map<StageName, StageClock> clocks = new EnumMap<>(StageName.class);

    private @Nullable Double smoothedFinishMillis;
    private long lastReadingMillis;

    /**
     * Start tracking a job.
     *
     * @param stages the requested stages, not empty
     * @param model where expected durations come from, and where measured ones go
     * @param mediaLength the media length when known, to scale expected durations
     * @throws IllegalArgumentException when {@code stages} is empty
     */
    public JobProgress(Set<StageName> stages, DurationModel model, @Nullable Duration mediaLength) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("stages must not be empty");
        }
        this.stages = Collections.unmodifiableSet(EnumSet.copyOf(stages));
        this.model = Objects.requireNonNull(model, "model");
        this.mediaLength = mediaLength;
        this.weights = weights(this.stages);
        for (StageName s : this.stages) {
            clocks.put(s, new StageClock());
        }
    }

    /** Return the requested stages. */
    public Set<StageName> stages() {
        return stages;
    }

    /** Mark a stage as started; a repeated call keeps the first start time. */
    public synchronized void stageStarted(StageName stage, long nowMillis) {
        StageClock c = clock(stage);
        if (c.startedAtMillis == null && !c.finished) {
            c.startedAtMillis = nowMillis;
        }
    }

    /**
     * Report a stage's own progress, clamped to {@code [0, 1]}; a lower value than before is ignored. Starts the
     * stage if it was not started.
     *
     * @throws IllegalArgumentException when {@code fraction} is NaN
     */
    public synchronized void stageProgress(StageName stage, double fraction, long nowMillis) {
        if (Double.isNaN(fraction)) {
            throw new IllegalArgumentException("fraction must be a number, but was NaN");
        }
        StageClock c = clock(stage);
        if (c.finished) {
            return;
        }
        if (c.startedAtMillis == null) {
            c.startedAtMillis = nowMillis;
        }
        c.fraction = Math.max(c.fraction, Math.min(1, Math.max(0, fraction)));
    }

    /**
     * Mark a stage as finished (whatever its outcome). With {@code learn}, record its measured duration (from
     * {@link #stageStarted}) into the model; pass false for failed or skipped stages. A repeated call is ignored.
     */
    public synchronized void stageFinished(StageName stage, boolean learn, long nowMillis) {
        StageClock c = clock(stage);
        if (c.finished) {
            return;
        }
        c.finished = true;
        c.fraction = 1;
        if (learn && c.startedAtMillis != null) {
            model.record(stage, Duration.ofMillis(Math.max(0, nowMillis - c.startedAtMillis)), mediaLength);
        }
    }

    /** Return true when every requested stage has finished. */
    public synchronized boolean finished() {
        for (StageClock c : clocks.values()) {
            if (!c.finished) {
                return false;
            }
        }
        return true;
    }

    /** Return overall progress in {@code [0, 1]}, weighted by expected durations; 1.0 only when all finished. */
    public synchronized double overall() {
        if (finished()) {
            return 1.0;
        }
        double done = 0;
        double total = 0;
        for (StageName s : stages) {
            double w = weights.get(s);
            done += w * clocks.get(s).fraction;
            total += w;
        }
        return Math.min(MAX_UNFINISHED, done / total);
    }

    /**
     * Return a stage's own progress in {@code [0, 1]}.
     *
     * @throws IllegalArgumentException when the stage is not part of this job
     */
    public synchronized double stage(StageName stage) {
        return clock(stage).fraction;
    }

    /**
     * Return the smoothed time left in whole seconds (rounded up): 0 when all stages finished, at least 1 while any
     * is unfinished, and {@code null} while unknown (some unfinished stage has neither history nor progress).
     *
     * <p>Each call is a reading that feeds the smoothing; call it with non-decreasing times.
     */
    public synchronized @Nullable Long etaSeconds(long nowMillis) {
        if (finished()) {
            smoothedFinishMillis = null;
            return 0L;
        }
        Double raw = rawRemainingSeconds(nowMillis);
        if (raw == null) {
            smoothedFinishMillis = null;
            return null;
        }
        double rawFinish = nowMillis + raw * 1000;
        Double previous = smoothedFinishMillis;
        double smoothed = rawFinish;
        if (previous != null) {
            // time-based weight, so the smoothing does not depend on how often the ETA is read
            double dt = Math.max(0, nowMillis - lastReadingMillis) / 1000.0;
            double a = 1 - Math.exp(-dt / SMOOTHING_SECONDS);
            smoothed = previous + a * (rawFinish - previous);
        }
        smoothedFinishMillis = smoothed;
        lastReadingMillis = previous == null ? nowMillis : Math.max(lastReadingMillis, nowMillis);
        double left = (smoothed - nowMillis) / 1000;
        // tolerate floating-point noise so that exactly 60 s does not become 61 s
        return Math.max(1L, (long) Math.ceil(left - 1e-6));
    }

    /** Return the unsmoothed critical-path time left in seconds, {@code null} when unknown. */
    synchronized @Nullable Double rawRemainingSeconds(long nowMillis) {
        Map<StageName, Double> finish = new EnumMap<>(StageName.class);
        double total = 0;
        for (StageName s : stages) {
            Double f = finishSeconds(s, nowMillis, finish);
            if (f == null) {
                return null;
            }
            total = Math.max(total, f);
        }
        return total;
    }

    /** Return when a stage ends, in seconds from now, after the requested stages it depends on. */
    private @Nullable Double finishSeconds(StageName stage, long nowMillis, Map<StageName, Double> memo) {
        Double known = memo.get(stage);
        if (known != null) {
            return known;
        }
        Double own = remainingSeconds(stage, nowMillis);
        if (own == null) {
            return null;
        }
        double start = 0;
        for (StageName d : stage.dependencies()) {
            if (stages.contains(d)) {
                Double f = finishSeconds(d, nowMillis, memo);
                if (f == null) {
                    return null;
                }
                start = Math.max(start, f);
            }
        }
        double finish = start + own;
        memo.put(stage, finish);
        return finish;
    }

    private @Nullable Double remainingSeconds(StageName stage, long nowMillis) {
        StageClock c = clocks.get(stage);
        if (c.finished) {
            return 0.0;
        }
        Double expected = expectedSeconds(stage).orElse(null);
        if (c.startedAtMillis == null) {
            return expected;
        }
        double elapsed = Math.max(0, nowMillis - c.startedAtMillis) / 1000.0;
        double p = c.fraction;
        if (p <= 0) {
            return expected == null ? null : Double.valueOf(Math.max(expected - elapsed, FLOOR_SECONDS));
        }
        double byProgress = elapsed * (1 - p) / p;
        if (expected == null) {
            return byProgress;
        }
        // trust the measured rate more as the stage advances
        double byHistory = expected * (1 - p);
        return p * byProgress + (1 - p) * byHistory;
    }

    private Optional<Double> expectedSeconds(StageName stage) {
        return model.expected(stage, mediaLength).map(d -> d.toNanos() / 1e9);
    }

    private Map<StageName, Double> weights(Set<StageName> requested) {
        Map<StageName, Double> known = new EnumMap<>(StageName.class);
        for (StageName s : requested) {
            expectedSeconds(s).ifPresent(e -> known.put(s, Math.max(e, 0.001)));
        }
        double fallback = known.values().stream().mapToDouble(Double::doubleValue).average().orElse(1);
        Map<StageName, Double> w = new EnumMap<>(StageName.class);
        for (StageName s : requested) {
            w.put(s, known.getOrDefault(s, fallback));
        }
        return w;
    }

    private StageClock clock(StageName stage) {
        StageClock c = clocks.get(Objects.requireNonNull(stage, "stage"));
        if (c == null) {
            throw new IllegalArgumentException("stage " + stage.id() + " is not part of this job " + stages);
        }
        return c;
    }

    private static final class StageClock {
        @Nullable Long startedAtMillis;
        double fraction;
        boolean finished;
    }
}
