package dev.enrich.backend.redis;

import dev.enrich.pipeline.StageName;
import dev.enrich.progress.DurationModel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Share learned stage durations across the fleet: the EWMA averages live in one Redis hash that every replica blends
 * its observations into, and each replica keeps a local copy in its {@link DurationModel}, so the ETA's reads stay
 * synchronous and cheap.
 *
 * <pre>
 * enrich:durations   hash  STAGE:s -> seconds, STAGE:r -> seconds per media-second (no TTL: a few fields, kept
 *                          across restarts so the first ETAs after one are informed)
 * </pre>
 *
 * Each observation the model records is blended in Redis by one script (the same EWMA, in the order observations
 * reach Redis from all replicas), and the blended averages it returns replace the local ones. Every
 * {@code refresh} period, and once at start, the replica reads the whole hash, so what other replicas learned
 * reaches it within one period. While Redis is unreachable the model keeps learning locally; those observations are
 * not shared later.
 */
final class RedisDurationSync {

    private static final Logger LOG = LoggerFactory.getLogger(RedisDurationSync.class);
    static final String KEY = RedisKeys.PREFIX + "durations";
    /** Observations waiting for Redis beyond this many are dropped (the oldest first). */
    private static final int BACKLOG = 1024;

    // KEYS[1] the hash; ARGV: stage, seconds, rate ('' when unknown), alpha. Returns the stage's new seconds and rate.
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final RedisScript<List<String>> BLEND = (RedisScript) LuaScript.of("""
            local fs, fr = ARGV[1] .. ':s', ARGV[1] .. ':r'
            local old = redis.call('HMGET', KEYS[1], fs, fr)
            local a = tonumber(ARGV[4])
            local s = tonumber(ARGV[2])
            if old[1] then s = tonumber(old[1]) + a * (s - tonumber(old[1])) end
            local r = old[2] and tonumber(old[2]) or nil
            if ARGV[3] ~= '' then
              local o = tonumber(ARGV[3])
              if r then r = r + a * (o - r) else r = o end
            end
            local out = {string.format('%.17g', s)}
            redis.call('HSET', KEYS[1], fs, out[1])
            if r then
              out[2] = string.format('%.17g', r)
              redis.call('HSET', KEYS[1], fr, out[2])
            end
            return out
            """, List.class);

    private final ReactiveStringRedisTemplate redis;
    private final DurationModel model;
    private final Duration refresh;
    private final Scheduler timer;
    private @Nullable Disposable running; // guarded by this

    /** Sync {@code model} through {@code redis}, reading the fleet's averages every {@code refresh} on timer. */
    RedisDurationSync(ReactiveStringRedisTemplate redis, DurationModel model, Duration refresh, Scheduler timer) {
        if (refresh.isNegative() || refresh.isZero()) {
            throw new IllegalArgumentException("refresh must be > 0, but was " + refresh);
        }
        this.redis = redis;
        this.model = model;
        this.refresh = refresh;
        this.timer = timer;
    }

    /** Start sharing the model's observations and refreshing it from Redis; a second call does nothing. */
    public synchronized void start() {
        if (running != null) {
            return;
        }
        Flux<Void> sharing = model.recorded()
                .onBackpressureBuffer(BACKLOG, dropped -> LOG.debug("Not shared: {}", dropped),
                        BufferOverflowStrategy.DROP_OLDEST)
                .concatMap(observation -> logged(share(observation), "share a stage duration"));
        Flux<Void> reading = Flux.interval(Duration.ZERO, refresh, timer)
                .onBackpressureDrop()
                .concatMap(tick -> logged(refresh(), "read the shared stage durations"));
        // The edge of both flows: kept and disposed by stop.
        running = Flux.merge(sharing, reading).subscribe();
    }

    /** Stop sharing and refreshing. */
    public synchronized void stop() {
        if (running != null) {
            running.dispose();
            running = null;
        }
    }

    /** Blend one observation into the fleet's averages and adopt the result here. */
    Mono<Void> share(DurationModel.Observation observation) {
        DurationModel.Averages took = observation.took();
        StageName stage = observation.stage();
        return redis.execute(BLEND, List.of(KEY), List.of(stage.id(), Double.toString(took.seconds()),
                        took.perMediaSecond() == null ? "" : Double.toString(took.perMediaSecond()),
                        Double.toString(model.alpha())))
                .next()
                .doOnNext(blended -> model.adopt(stage, new DurationModel.Averages(Double.parseDouble(blended.get(0)),
                        blended.size() > 1 ? Double.valueOf(blended.get(1)) : null)))
                .then();
    }

    /** Read the fleet's averages and adopt every stage's here. */
    Mono<Void> refresh() {
        return redis.<String, String>opsForHash().entries(KEY)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .doOnNext(this::adoptAll)
                .then();
    }

    private void adoptAll(Map<String, String> fields) {
        Map<StageName, String> seconds = new HashMap<>();
        fields.forEach((field, value) -> {
            if (field.endsWith(":s")) {
                StageName.parse(field.substring(0, field.length() - 2)).ifPresent(s -> seconds.put(s, value));
            }
        });
        seconds.forEach((stage, value) -> {
            String rate = fields.get(stage.id() + ":r");
            model.adopt(stage, new DurationModel.Averages(Double.parseDouble(value),
                    rate == null ? null : Double.valueOf(rate)));
        });
    }

    private static Mono<Void> logged(Mono<Void> step, String what) {
        return step.onErrorResume(e -> {
            LOG.warn("Could not {}: {}", what, e.toString());
            return Mono.empty();
        });
    }
}
