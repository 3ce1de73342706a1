package dev.enrich.backend.redis;

import dev.enrich.progress.DurationKey;
import dev.enrich.progress.DurationModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
 * enrich:durations   hash  KEY:NAME -> one average of {@link DurationModel.Averages#fields()}, KEY a
 *                          {@link DurationKey#id()} (summary, summary/audio): KEY:s seconds, KEY:x/y/xx/xy the media
 *                          moments, KEY:p1..p9 the time profile (no TTL: a few fields, kept across restarts so the
 *                          first ETAs after one are informed)
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

    // KEYS[1] the hash; ARGV: duration key, alpha, then name and value pairs. Blends each pair into KEY:name (the
    // first value seeds it; one HMGET and one HSET for all of them) and returns the key's fields after that, as name
    // and value pairs, read by name (HMGET of Averages.FIELD_NAMES): the cost stays the same however many keys the
    // hash holds.
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final RedisScript<List<String>> BLEND = (RedisScript) LuaScript.of("""
            local prefix = ARGV[1] .. ':'
            local a = tonumber(ARGV[2])
            local given = {}
            for i = 3, #ARGV, 2 do given[#given + 1] = prefix .. ARGV[i] end
            if #given > 0 then
              local old = redis.call('HMGET', KEYS[1], unpack(given))
              local blended = {}
              for i, f in ipairs(given) do
                local v = tonumber(ARGV[2 * i + 2])
                if old[i] then v = tonumber(old[i]) + a * (v - tonumber(old[i])) end
                blended[#blended + 1] = f
                blended[#blended + 1] = string.format('%.17g', v)
              end
              redis.call('HSET', KEYS[1], unpack(blended))
            end
            local names = {FIELD_NAMES}
            local fields = {}
            for i, name in ipairs(names) do fields[i] = prefix .. name end
            local values = redis.call('HMGET', KEYS[1], unpack(fields))
            local out = {}
            for i, name in ipairs(names) do
              if values[i] then
                out[#out + 1] = name
                out[#out + 1] = values[i]
              end
            end
            return out
            """.replace("FIELD_NAMES", DurationModel.Averages.FIELD_NAMES.stream().map(name -> "'" + name + "'")
                    .collect(Collectors.joining(", "))), List.class);

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
        DurationKey key = observation.key();
        List<String> args = new ArrayList<>(List.of(key.id(), Double.toString(model.alpha())));
        observation.took().fields().forEach((name, value) -> {
            args.add(name);
            args.add(Double.toString(value));
        });
        return redis.execute(BLEND, List.of(KEY), args)
                .next()
                .doOnNext(blended -> {
                    Map<String, String> fields = new HashMap<>();
                    for (int i = 0; i + 1 < blended.size(); i += 2) {
                        fields.put(blended.get(i), blended.get(i + 1));
                    }
                    adopt(key, fields);
                })
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
        Map<DurationKey, Map<String, String>> byKey = new HashMap<>();
        fields.forEach((field, value) -> {
            int colon = field.indexOf(':');
            if (colon > 0) {
                DurationKey.parse(field.substring(0, colon)).ifPresent(key -> byKey
                        .computeIfAbsent(key, k -> new HashMap<>()).put(field.substring(colon + 1), value));
            }
        });
        byKey.forEach(this::adopt);
    }

    // A key without its seconds, or with a value out of range, is left as it is here.
    private void adopt(DurationKey key, Map<String, String> fields) {
        Map<String, Double> values = new HashMap<>();
        try {
            fields.forEach((name, value) -> values.put(name, Double.valueOf(value)));
            model.adopt(key, DurationModel.Averages.of(values));
        } catch (IllegalArgumentException e) {
            LOG.debug("Not adopted for {}: {}", key, e.getMessage());
        }
    }

    private static Mono<Void> logged(Mono<Void> step, String what) {
        return step.onErrorResume(e -> {
            LOG.warn("Could not {}: {}", what, e.toString());
            return Mono.empty();
        });
    }
}
