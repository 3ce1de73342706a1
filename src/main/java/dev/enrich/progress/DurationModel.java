package dev.enrich.progress;

import dev.enrich.pipeline.StageName;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Learn expected stage durations per stage kind with an exponentially weighted moving average (EWMA), scaled by
 * media length when known. Thread-safe.
 *
 * <p>Two averages are kept per stage: absolute seconds, and seconds per media-second (only fed when the media length
 * is known and positive). The first observation seeds an average; later ones move it by {@code alpha}.
 *
 * <p>Reads are local and synchronous. To share what several processes learn, a backend follows {@link #recorded()}
 * and feeds back averages learned elsewhere with {@link #adopt}; alone, the model learns from this process only.
 */
public final class DurationModel {

    private final double alpha;
    private final Map<StageName, Averages> averages = new ConcurrentHashMap<>();
    private final Sinks.Many<Observation> recorded = Sinks.many().multicast().directBestEffort();

    /**
     * Create an empty model.
     *
     * @param alpha the weight of a new observation, in {@code (0, 1]}
     * @throws IllegalArgumentException when {@code alpha} is out of range
     */
    public DurationModel(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], but was " + alpha);
        }
        this.alpha = alpha;
    }

    /** Return the weight of a new observation, in {@code (0, 1]}. */
    public double alpha() {
        return alpha;
    }

    /**
     * Return the expected duration of a stage: the per-media-second rate times the media length when both are known,
     * else the absolute average; empty if the stage was never observed.
     */
    public Optional<Duration> expected(StageName stage, @Nullable Duration mediaLength) {
        Averages a = averages.get(Objects.requireNonNull(stage, "stage"));
        if (a == null) {
            return Optional.empty();
        }
        double media = seconds(mediaLength);
        double expected = (media > 0 && a.perMediaSecond() != null) ? a.perMediaSecond() * media : a.seconds();
        return Optional.of(Duration.ofNanos(Math.round(expected * 1e9)));
    }

    /**
     * Record how long a stage took.
     *
     * @throws IllegalArgumentException when {@code took} is negative
     */
    public void record(StageName stage, Duration took, @Nullable Duration mediaLength) {
        Objects.requireNonNull(stage, "stage");
        if (took.isNegative()) {
            throw new IllegalArgumentException("took must not be negative, but was " + took);
        }
        double tookSeconds = seconds(took);
        double media = seconds(mediaLength);
        @Nullable Double rate = media > 0 ? tookSeconds / media : null;
        Averages observed = new Averages(tookSeconds, rate);
        averages.merge(stage, observed, this::blend);
        Observation observation = new Observation(stage, observed);
        // Concurrent recorders meet here rarely and briefly; with no subscriber (or a slow one) it is dropped.
        while (recorded.tryEmitNext(observation) == Sinks.EmitResult.FAIL_NON_SERIALIZED) {
            Thread.onSpinWait();
        }
    }

    /**
     * Return the observations recorded from now on, as {@link #record} takes them: hot, nothing replayed, and an
     * observation a subscriber has not requested is dropped for it (buffer downstream to keep them all).
     */
    public Flux<Observation> recorded() {
        return recorded.asFlux();
    }

    /** Replace the averages of {@code stage} with ones learned elsewhere (e.g. the fleet's, shared on Redis). */
    public void adopt(StageName stage, Averages learned) {
        averages.put(Objects.requireNonNull(stage, "stage"), Objects.requireNonNull(learned, "learned"));
    }

    /** Return the averages of {@code stage}; empty if it was never observed nor adopted. */
    public Optional<Averages> averages(StageName stage) {
        return Optional.ofNullable(averages.get(Objects.requireNonNull(stage, "stage")));
    }

    private Averages blend(Averages old, Averages observed) {
        double seconds = ewma(old.seconds(), observed.seconds());
        @Nullable Double rate = old.perMediaSecond();
        @Nullable Double observedRate = observed.perMediaSecond();
        if (observedRate != null) {
            rate = rate == null ? observedRate : Double.valueOf(ewma(rate, observedRate));
        }
        return new Averages(seconds, rate);
    }

    private double ewma(double old, double observed) {
        return old + alpha * (observed - old);
    }

    private static double seconds(@Nullable Duration d) {
        return d == null ? 0 : d.toNanos() / 1e9;
    }

    /**
     * A stage's averages, or one observation of it.
     *
     * @param seconds the absolute duration in seconds, {@code >= 0}
     * @param perMediaSecond seconds per media-second; null when no media length was known
     */
    public record Averages(double seconds, @Nullable Double perMediaSecond) {

        public Averages {
            if (!(seconds >= 0) || (perMediaSecond != null && !(perMediaSecond >= 0))) {
                throw new IllegalArgumentException("durations must be >= 0, but were " + seconds + " and "
                        + perMediaSecond);
            }
        }
    }

    /** One recorded duration of {@code stage}: its seconds and, when the media length was known, its rate. */
    public record Observation(StageName stage, Averages took) {}
}
