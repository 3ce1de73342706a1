package dev.enrich.progress;

import dev.enrich.pipeline.StageName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
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
 * (stages without history get the mean of the known ones, or equal weights when none is known) and reads each stage's
 * progress through its learned time profile, so that it moves about evenly in time; it never goes backwards. {@link #etaSeconds(long)} is time-based: the critical path through the remaining stage DAG, where a
 * stage's remaining time comes from history (scaled by the stage's media length) until it reports progress, and then
 * from the time it took to reach that progress, read through the stage's learned time profile (a stage whose first
 * 70% are quick and last 30% slow is not taken to be nearly done at 70%), blended with history; successive readings
 * are smoothed.
 */
public final class JobProgress {

    /** Time constant of the exponential smoothing of the estimated finish time, at most. */
    static final double SMOOTHING_SECONDS = 10;
    /** Time constant of the smoothing as a share of the job's estimated length, when that is shorter. */
    static final double SMOOTHING_SHARE = 0.1;
    /** Smallest remaining time of an unfinished stage that has outrun its history. */
    static final double FLOOR_SECONDS = 1;
    /** Highest overall progress reported while some stage is unfinished. */
    static final double MAX_UNFINISHED = 0.99;
    /** The progress a stalled stage is assumed to be just short of, at the least, past what it reported. */
    static final double STALL_STEP = 0.1;

    private final Set<StageName> stages;
    private final DurationModel model;
    private final Map<StageName, Duration> mediaLengths;
    /** What each stage's expected duration is read from: the stage on its input, whatever the length class. */
    private final Map<StageName, DurationKey> keys = new EnumMap<>(StageName.class);
    /** What each stage's time profile is read from and its measured duration goes to: with the length class. */
    private final Map<StageName, DurationKey> profileKeys = new EnumMap<>(StageName.class);
    private final Map<StageName, Double> weights;
    private final Map<StageName, StageClock> clocks = new EnumMap<>(StageName.class);

    private @Nullable Double smoothedFinishMillis;
    private double lastOverall;
    private @Nullable Long firstReadingMillis;
    private long lastReadingMillis;

    /**
     * Start tracking a job.
     *
     * @param stages the requested stages, not empty
     * @param model where expected durations come from, and where measured ones go
     * @param mediaLength the media length when known, to scale every stage's expected duration
     * @throws IllegalArgumentException when {@code stages} is empty
     */
    public JobProgress(Set<StageName> stages, DurationModel model, @Nullable Duration mediaLength) {
        this(stages, model, sameFor(stages, mediaLength));
    }

    /**
     * Start tracking a job whose stages work on media of different lengths.
     *
     * @param stages the requested stages, not empty
     * @param model where expected durations come from, and where measured ones go
     * @param mediaLengths the length of the media each stage works on, where known (a stage missing is unknown)
     * @throws IllegalArgumentException when {@code stages} is empty
     */
    public JobProgress(Set<StageName> stages, DurationModel model, Map<StageName, Duration> mediaLengths) {
        this(stages, model, mediaLengths, Map.of());
    }

    /**
     * Start tracking a job whose stages work on media of different lengths and, some, on inputs of different kinds.
     *
     * @param stages the requested stages, not empty
     * @param model where expected durations come from, and where measured ones go
     * @param mediaLengths the length of the media each stage works on, where known (a stage missing is unknown)
     * @param inputs what each stage reads, where its duration is learned per input ({@link DurationKey#input()}; a
     *     stage missing is learned whatever it reads)
     * @throws IllegalArgumentException when {@code stages} is empty or an input is malformed
     */
    public JobProgress(Set<StageName> stages, DurationModel model, Map<StageName, Duration> mediaLengths,
            Map<StageName, String> inputs) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("stages must not be empty");
        }
        this.stages = Collections.unmodifiableSet(EnumSet.copyOf(stages));
        this.model = Objects.requireNonNull(model, "model");
        this.mediaLengths = Map.copyOf(mediaLengths);
        for (StageName s : this.stages) {
            DurationKey key = new DurationKey(s, inputs.getOrDefault(s, ""));
            keys.put(s, key);
            profileKeys.put(s, key.withLength(this.mediaLengths.get(s)));
        }
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
        double reached = Math.min(1, Math.max(0, fraction));
        if (reached > c.fraction) {
            c.fraction = reached;
            c.reachedAtMillis = nowMillis;
            for (int i = 0; i < c.crossedAtMillis.length; i++) {
                if (c.crossedAtMillis[i] < 0 && reached >= (i + 1.0) / (c.crossedAtMillis.length + 1)) {
                    c.crossedAtMillis[i] = nowMillis;
                }
            }
        }
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
        // A stage's end is news the smoothing must not hold back: the stages left are estimated afresh from history.
        smoothedFinishMillis = null;
        if (learn && c.startedAtMillis != null) {
            long took = Math.max(0, nowMillis - c.startedAtMillis);
            model.record(profileKeys.get(stage), Duration.ofMillis(took), mediaLengths.get(stage), c.profile(took));
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

    /**
     * Return overall progress in {@code [0, 1]}: the stages' progress read through their time profiles, weighted by
     * expected durations; never less than before; 1.0 only when all finished.
     */
    public synchronized double overall() {
        if (finished()) {
            return 1.0;
        }
        double done = 0;
        double total = 0;
        for (StageName s : stages) {
            double w = weights.get(s);
            done += w * model.timeShare(profileKeys.get(s), clocks.get(s).fraction);
            total += w;
        }
        lastOverall = Math.max(lastOverall, Math.min(MAX_UNFINISHED, done / total));
        return lastOverall;
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
        if (firstReadingMillis == null) {
            firstReadingMillis = nowMillis;
        }
        double rawFinish = nowMillis + raw * 1000;
        Double previous = smoothedFinishMillis;
        double smoothed = rawFinish;
        if (previous != null) {
            // time-based weight, so the smoothing does not depend on how often the ETA is read
            double dt = Math.max(0, nowMillis - lastReadingMillis) / 1000.0;
            // a short job cannot afford to carry a first estimate for 10 s
            double length = Math.max(0, nowMillis - firstReadingMillis) / 1000.0 + raw;
            double tau = Math.max(0.1, Math.min(SMOOTHING_SECONDS, SMOOTHING_SHARE * length));
            double a = 1 - Math.exp(-dt / tau);
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
        double share = p <= 0 ? 0 : model.timeShare(profileKeys.get(stage), p);
        if (share <= 0 || c.reachedAtMillis == null) {
            if (expected == null) {
                return p <= 0 ? null : Double.valueOf(elapsed * (1 - p) / p);
            }
            return Math.max(expected - elapsed, FLOOR_SECONDS);
        }
        // The whole stage as this run's pace so far says: the time to reach p over the share of time p takes; and
        // at least what the time since then says, if the next step were about to come (a long stall: it is slower).
        double reached = Math.max(0, c.reachedAtMillis - c.startedAtMillis) / 1000.0;
        double byProgress = Math.max(reached / share,
                elapsed / model.timeShare(profileKeys.get(stage), Math.min(1, p + STALL_STEP)));
        if (expected == null) {
            return Math.max(byProgress - elapsed, p < 1 ? FLOOR_SECONDS : 0);
        }
        // trust this run's pace more as more of the stage's time has passed: half at an eighth, 80% at a half
        double trust = Math.cbrt(share);
        // a stage that reported all its progress has at most its last step (e.g. saving its result) left
        return Math.max(trust * byProgress + (1 - trust) * expected - elapsed, p < 1 ? FLOOR_SECONDS : 0);
    }

    private Optional<Double> expectedSeconds(StageName stage) {
        return model.expected(keys.get(stage), mediaLengths.get(stage)).map(d -> d.toNanos() / 1e9);
    }

    private static Map<StageName, Duration> sameFor(Set<StageName> stages, @Nullable Duration mediaLength) {
        Map<StageName, Duration> lengths = new EnumMap<>(StageName.class);
        if (mediaLength != null) {
            stages.forEach(s -> lengths.put(s, mediaLength));
        }
        return lengths;
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
        /** When {@link #fraction} was first reported. */
        @Nullable Long reachedAtMillis;
        /** When progress first reached 10%, 20%, ... 90%; -1 until then. */
        final long[] crossedAtMillis = new long[DurationModel.PROFILE_POINTS];
        double fraction;
        boolean finished;

        StageClock() {
            Arrays.fill(crossedAtMillis, -1);
        }

        // The share of `took` spent by each crossing; a point never crossed (the stage jumped to done) is at the end.
        List<Double> profile(long took) {
            if (took <= 0 || startedAtMillis == null) {
                return List.of();
            }
            List<Double> shares = new ArrayList<>(crossedAtMillis.length);
            for (long at : crossedAtMillis) {
                shares.add(at < 0 ? 1.0 : Math.min(1, Math.max(0, (double) (at - startedAtMillis) / took)));
            }
            return shares;
        }
    }
}
