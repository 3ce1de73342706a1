package dev.enrich.progress;

import dev.enrich.pipeline.StageName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Learn expected stage durations per stage kind with exponentially weighted moving averages (EWMA), as a function of
 * the media length when known, and how a stage's time is spread over its reported progress. Thread-safe.
 *
 * <p>Per stage: the absolute seconds (every observation); when the media length is known, the weighted moments of
 * (media seconds, stage seconds) that give a least-squares line {@code fixed + perMediaSecond x length}, so a long
 * recording gets a proportionally longer estimate while a fixed cost (a call's latency) is not scaled with it; and
 * the time profile: the share of the stage's time spent when its progress first reached 10%, 20%, ... 90%. Every
 * field is its own EWMA with the same {@code alpha}; the first observation seeds it.
 *
 * <p>Averages are kept per {@link DurationKey}: a stage kind, and where its cost depends on what it reads, the
 * stage for that input too ({@code summary/audio}), and for a media length class ({@code video@9}); a keyed read
 * falls back to the broader keys' averages until that key was observed, and every keyed observation also teaches the
 * broader keys.
 *
 * <p>Reads are local and synchronous. To share what several processes learn, a backend follows {@link #recorded()}
 * and feeds back averages learned elsewhere with {@link #adopt}; alone, the model learns from this process only.
 */
public final class DurationModel {

    /** Progress points of the time profile: 0.1, 0.2, ... 0.9. */
    public static final int PROFILE_POINTS = 9;
    /** Below this relative spread of the learned media lengths, durations are scaled in proportion (no fixed part). */
    private static final double MIN_RELATIVE_VARIANCE = 0.01;

    private final double alpha;
    private final Map<DurationKey, Averages> averages = new ConcurrentHashMap<>();
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
     * Return the expected duration of a stage: from the line fitted over media lengths when both the length and
     * observations with lengths are known, else the absolute average; empty if the stage was never observed.
     */
    public Optional<Duration> expected(StageName stage, @Nullable Duration mediaLength) {
        return expected(DurationKey.of(stage), mediaLength);
    }

    /**
     * Return the expected duration of a stage for its input: as {@link #expected(StageName, Duration)}, from the
     * averages of {@code key}, or of its broader keys while it was never observed.
     */
    public Optional<Duration> expected(DurationKey key, @Nullable Duration mediaLength) {
        Averages a = lookup(key);
        if (a == null) {
            return Optional.empty();
        }
        double media = seconds(mediaLength);
        double expected = media > 0 && a.media() != null ? a.media().expected(media) : a.seconds();
        return Optional.of(Duration.ofNanos(Math.round(expected * 1e9)));
    }

    /**
     * Return the learned share of a stage's time spent by the time its progress first reached {@code fraction}, in
     * {@code [0, 1]}, interpolated between the profile points; {@code fraction} itself (progress even in time) when
     * no profile was learned.
     */
    public double timeShare(StageName stage, double fraction) {
        return timeShare(DurationKey.of(stage), fraction);
    }

    /** Return the learned share of time as {@link #timeShare(StageName, double)}, for a stage and its input. */
    public double timeShare(DurationKey key, double fraction) {
        double p = Math.min(1, Math.max(0, fraction));
        Averages a = lookup(key);
        if (a == null || a.profile().isEmpty()) {
            return p;
        }
        double scaled = p * (PROFILE_POINTS + 1);
        int below = Math.min(PROFILE_POINTS, (int) Math.floor(scaled));
        double lo = below == 0 ? 0 : a.profile().get(below - 1);
        double hi = below >= PROFILE_POINTS ? 1 : a.profile().get(below);
        return lo + (scaled - below) * (hi - lo);
    }

    /**
     * Record how long a stage took.
     *
     * @throws IllegalArgumentException when {@code took} is negative
     */
    public void record(StageName stage, Duration took, @Nullable Duration mediaLength) {
        record(stage, took, mediaLength, List.of());
    }

    /**
     * Record how long a stage took and, when not empty, its time profile: {@link #PROFILE_POINTS} shares of its time
     * spent when its progress first reached 10%, 20%, ... 90%.
     *
     * @throws IllegalArgumentException when {@code took} is negative or the profile is malformed
     */
    public void record(StageName stage, Duration took, @Nullable Duration mediaLength, List<Double> profile) {
        record(DurationKey.of(stage), took, mediaLength, profile);
    }

    /**
     * Record how long a stage took on its input, as {@link #record(StageName, Duration, Duration, List)}: into the
     * averages of {@code key} and of each of its {@linkplain DurationKey#fallbacks() broader keys}.
     */
    public void record(DurationKey key, Duration took, @Nullable Duration mediaLength, List<Double> profile) {
        Objects.requireNonNull(key, "key");
        if (took.isNegative()) {
            throw new IllegalArgumentException("took must not be negative, but was " + took);
        }
        double tookSeconds = seconds(took);
        double media = seconds(mediaLength);
        Moments moments = media > 0 ? new Moments(media, tookSeconds, media * media, media * tookSeconds) : null;
        Averages observed = new Averages(tookSeconds, moments, profile);
        learn(key, observed);
        for (DurationKey broader : key.fallbacks()) {
            learn(broader, observed);
        }
    }

    private void learn(DurationKey key, Averages observed) {
        averages.merge(key, observed, this::blend);
        Observation observation = new Observation(key, observed);
        // Concurrent recorders (two jobs' stages ending at once) are serialized by this short lock: a spin on
        // FAIL_NON_SERIALIZED is a blocking call on an event loop (BlockHound stopped a job's run on it). With no
        // subscriber (or a slow one) the observation is dropped.
        synchronized (recorded) {
            recorded.tryEmitNext(observation);
        }
    }

    private @Nullable Averages lookup(DurationKey key) {
        Averages a = averages.get(Objects.requireNonNull(key, "key"));
        for (Iterator<DurationKey> broader = key.fallbacks().iterator(); a == null && broader.hasNext(); ) {
            a = averages.get(broader.next());
        }
        return a;
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
        adopt(DurationKey.of(stage), learned);
    }

    /** Replace the averages kept under {@code key} with ones learned elsewhere. */
    public void adopt(DurationKey key, Averages learned) {
        averages.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(learned, "learned"));
    }

    /** Return the averages of {@code stage} whatever its input; empty if it was never observed nor adopted. */
    public Optional<Averages> averages(StageName stage) {
        return averages(DurationKey.of(stage));
    }

    /** Return the averages kept under exactly {@code key} (no fallback); empty if never observed nor adopted. */
    public Optional<Averages> averages(DurationKey key) {
        return Optional.ofNullable(averages.get(Objects.requireNonNull(key, "key")));
    }

    // Each average on its own, as fields() names them: blended where both have it, kept where only one has it. Made on
    // the records, not through fields(): this runs for several keys at every stage's end.
    private Averages blend(Averages old, Averages observed) {
        Moments a = old.media();
        Moments b = observed.media();
        Moments media = a == null ? b : b == null ? a : new Moments(ewma(a.length(), b.length()),
                ewma(a.seconds(), b.seconds()), ewma(a.lengthSquared(), b.lengthSquared()),
                ewma(a.product(), b.product()));
        List<Double> profile = old.profile().isEmpty() ? observed.profile() : observed.profile().isEmpty()
                ? old.profile() : blend(old.profile(), observed.profile());
        return new Averages(ewma(old.seconds(), observed.seconds()), media, profile);
    }

    private List<Double> blend(List<Double> old, List<Double> observed) {
        Double[] shares = new Double[old.size()];
        for (int i = 0; i < shares.length; i++) {
            shares[i] = ewma(old.get(i), observed.get(i));
        }
        return Arrays.asList(shares);
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
     * @param media the moments over media lengths; null when no media length was known
     * @param profile the time profile ({@link #PROFILE_POINTS} shares in {@code [0, 1]}), or empty when unknown
     */
    public record Averages(double seconds, @Nullable Moments media, List<Double> profile) {

        public Averages {
            if (!(seconds >= 0)) {
                throw new IllegalArgumentException("seconds must be >= 0, but was " + seconds);
            }
            profile = List.copyOf(profile);
            if (!profile.isEmpty() && profile.size() != PROFILE_POINTS) {
                throw new IllegalArgumentException("profile must have " + PROFILE_POINTS + " points, but had "
                        + profile.size());
            }
            for (double share : profile) {
                if (!(share >= 0 && share <= 1)) {
                    throw new IllegalArgumentException("profile shares must be in [0, 1], but were " + profile);
                }
            }
        }

        /** Every name {@link #fields()} can give, in its order. */
        public static final List<String> FIELD_NAMES = List.of("s", "x", "y", "xx", "xy", "p1", "p2", "p3", "p4",
                "p5", "p6", "p7", "p8", "p9");

        /** Return averages of absolute seconds only. */
        public Averages(double seconds) {
            this(seconds, null, List.of());
        }

        /**
         * Return every average by a flat name ({@code s}; {@code x}, {@code y}, {@code xx}, {@code xy} for the
         * moments; {@code p1}..{@code p9} for the profile), each blended on its own: the shape a shared store keeps.
         */
        public Map<String, Double> fields() {
            Map<String, Double> fields = new LinkedHashMap<>();
            fields.put("s", seconds);
            if (media != null) {
                fields.put("x", media.length());
                fields.put("y", media.seconds());
                fields.put("xx", media.lengthSquared());
                fields.put("xy", media.product());
            }
            for (int i = 0; i < profile.size(); i++) {
                fields.put("p" + (i + 1), profile.get(i));
            }
            return fields;
        }

        /**
         * Read averages from {@link #fields()}; the moments and profile only when all their fields are there.
         *
         * @throws IllegalArgumentException when {@code s} is missing or a value is out of range
         */
        public static Averages of(Map<String, Double> fields) {
            Double s = fields.get("s");
            if (s == null) {
                throw new IllegalArgumentException("averages need field s, but had " + fields.keySet());
            }
            Double x = fields.get("x");
            Double y = fields.get("y");
            Double xx = fields.get("xx");
            Double xy = fields.get("xy");
            Moments media = x != null && y != null && xx != null && xy != null ? new Moments(x, y, xx, xy) : null;
            List<Double> profile = new ArrayList<>();
            for (int i = 1; i <= PROFILE_POINTS && fields.containsKey("p" + i); i++) {
                profile.add(fields.get("p" + i));
            }
            return new Averages(s, media, profile.size() == PROFILE_POINTS ? profile : List.of());
        }
    }

    /**
     * Weighted means of media length {@code x} and stage time {@code y} (seconds) and of their products.
     *
     * @param length mean media seconds
     * @param seconds mean stage seconds
     * @param lengthSquared mean of media seconds squared
     * @param product mean of media seconds times stage seconds
     */
    public record Moments(double length, double seconds, double lengthSquared, double product) {

        public Moments {
            if (!(length > 0 && seconds >= 0 && lengthSquared > 0 && product >= 0)) {
                throw new IllegalArgumentException("moments must be positive, but were " + length + ", " + seconds
                        + ", " + lengthSquared + ", " + product);
            }
        }

        /**
         * Return the expected stage seconds for {@code media} seconds: the least-squares line when the learned lengths
         * spread and it has a non-negative slope and fixed part; through the origin (in proportion to the length)
         * when they do not spread or the fixed part would be negative; the mean when longer media took less time.
         */
        double expected(double media) {
            double variance = lengthSquared - length * length;
            if (variance > MIN_RELATIVE_VARIANCE * lengthSquared) {
                double slope = (product - length * seconds) / variance;
                if (slope < 0) {
                    return seconds;
                }
                double fixed = seconds - slope * length;
                if (fixed >= 0) {
                    return fixed + slope * media;
                }
            }
            return product / lengthSquared * media;
        }
    }

    /**
     * One recorded duration under {@code key}: its seconds and, when known, its media moments and time profile.
     */
    public record Observation(DurationKey key, Averages took) {

        /** Return an observation of {@code stage} whatever its input. */
        public Observation(StageName stage, Averages took) {
            this(DurationKey.of(stage), took);
        }

        /** Return the stage kind observed. */
        public StageName stage() {
            return key.stage();
        }
    }
}
