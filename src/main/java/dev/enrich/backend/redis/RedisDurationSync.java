package dev.enrich.backend.redis;

import dev.enrich.progress.DurationKey;
import dev.enrich.progress.DurationModel;
import dev.enrich.reactive.Ticks;
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
 * The observations the model records are blended in Redis by one script per batch (those recorded within 20 ms, at
 * most 64: one round trip, not one per stage run; the same EWMA, in the order observations reach Redis from all
 * replicas), and the blended averages it returns replace the local ones. Every
 * {@code refresh} period, and once at start, the replica reads the whole hash, so what other replicas learned
 * reaches it within one period. While Redis is unreachable the model keeps learning locally; those observations are
 * not shared later.
 */
final class RedisDurationSync {

    private static final Logger LOG = LoggerFactory.getLogger(RedisDurationSync.class);
    static final String KEY = RedisKeys.PREFIX + "durations";
    /** Observations waiting for Redis beyond this many are dropped (the oldest first). */
    private static final int BACKLOG = 1024;
    /** Observations blended in one script at most, and how long the first waits for others to join it. */
    private static final int BATCH = 64;
    private static final Duration BATCH_WINDOW = Duration.ofMillis(20);

    // KEYS[1] the hash; ARGV: alpha, then per observation: its duration key, how many name and value pairs follow,
    // the pairs. Blends each observation's pairs into KEY:name in order (the first value seeds it; one HMGET and one
    // HSET per observation), then returns, per distinct key in order of first appearance, the key, how many pairs
    // follow, and its fields after all of it, read by name (HMGET of Averages.FIELD_NAMES): the cost stays the same
    // however many keys the hash holds.
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final RedisScript<List<String>> BLEND = (RedisScript) LuaScript.of("""
            local a = tonumber(ARGV[1])
            local keys, seen = {}, {}
            local i = 2
            while i <= #ARGV do
              local id, n = ARGV[i], tonumber(ARGV[i + 1])
              local prefix = id .. ':'
              if not seen[id] then seen[id] = true; keys[#keys + 1] = id end
              local given, values = {}, {}
              for j = 0, n - 1 do
                given[#given + 1] = prefix .. ARGV[i + 2 + 2 * j]
                values[#values + 1] = tonumber(ARGV[i + 3 + 2 * j])
              end
              i = i + 2 + 2 * n
              if #given > 0 then
                local old = redis.call('HMGET', KEYS[1], unpack(given))
                local blended = {}
                for k, f in ipairs(given) do
                  local v = values[k]
                  if old[k] then v = tonumber(old[k]) + a * (v - tonumber(old[k])) end
                  blended[#blended + 1] = f
                  blended[#blended + 1] = string.format('%.17g', v)
                end
                redis.call('HSET', KEYS[1], unpack(blended))
              end
            end
            local names = {FIELD_NAMES}
            local out = {}
            for _, id in ipairs(keys) do
              local fields = {}
              for k, name in ipairs(names) do fields[k] = id .. ':' .. name end
              local values = redis.call('HMGET', KEYS[1], unpack(fields))
              local held, count = {}, 0
              for k, name in ipairs(names) do
                if values[k] then
                  held[#held + 1] = name
                  held[#held + 1] = values[k]
                  count = count + 1
                end
              end
              out[#out + 1] = id
              out[#out + 1] = tostring(count)
              for _, v in ipairs(held) do out[#out + 1] = v end
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
                // What recorded meanwhile goes in one script: one round trip per batch, not per stage run.
                .bufferTimeout(BATCH, BATCH_WINDOW, timer, true)
                // A batch whose window ends is emitted in the timer's task: its script goes out of it (Ticks).
                .publishOn(Ticks.uninterrupted(timer), 1)
                .concatMap(batch -> logged(share(batch), "share stage durations"));
        Flux<Void> reading = Ticks.every(Duration.ZERO, refresh, timer)
                .concatMap(tick -> logged(refresh(), "read the shared stage durations"));
        // The edge of both flows: kept and disposed by stop, which interrupts no Redis write.
        running = Flux.merge(sharing, reading).subscribe();
    }

    /** Stop sharing and refreshing. */
    public synchronized void stop() {
        if (running != null) {
            running.dispose();
            running = null;
        }
    }

    /** Blend observations into the fleet's averages, in order, in one step, and adopt the results here. */
    Mono<Void> share(List<DurationModel.Observation> observations) {
        if (observations.isEmpty()) {
            return Mono.empty();
        }
        List<String> args = new ArrayList<>(List.of(Double.toString(model.alpha())));
        for (DurationModel.Observation observation : observations) {
            Map<String, Double> fields = observation.took().fields();
            args.add(observation.key().id());
            args.add(Integer.toString(fields.size()));
            fields.forEach((name, value) -> {
                args.add(name);
                args.add(Double.toString(value));
            });
        }
        return redis.execute(BLEND, List.of(KEY), args)
                .next()
                .doOnNext(this::adoptBlended)
                .then();
    }

    // Per key: its id, how many name and value pairs follow, the pairs.
    private void adoptBlended(List<String> blended) {
        int i = 0;
        while (i + 1 < blended.size()) {
            String id = blended.get(i);
            int pairs = Integer.parseInt(blended.get(i + 1));
            Map<String, String> fields = new HashMap<>();
            for (int p = 0; p < pairs; p++) {
                fields.put(blended.get(i + 2 + 2 * p), blended.get(i + 3 + 2 * p));
            }
            i += 2 + 2 * pairs;
            DurationKey.parse(id).ifPresent(key -> adopt(key, fields));
        }
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
