package dev.enrich.backend.redis;

import dev.enrich.session.MediaUsage;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Count each tenant's media bytes for the whole fleet in one hash, {@code enrich:{tenant:T}:media}: a field per
 * counted session (its bytes) and {@code _total}. Adding and releasing are Lua scripts, so two replicas' uploads
 * cannot both pass the cap; the hash is deleted when its last session is released, so nothing outlives the media.
 */
final class RedisMediaUsage implements MediaUsage {

    private static final String TOTAL = "_total";

    // KEYS[1] the tenant's hash; ARGV: session, bytes, cap. Returns 1 when counted, 0 when past the cap.
    private static final RedisScript<Long> ADD = LuaScript.of("""
            local total = tonumber(redis.call('HGET', KEYS[1], '_total') or '0')
            local old = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
            local next = total - old + tonumber(ARGV[2])
            if next > tonumber(ARGV[3]) then return 0 end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], '_total', next)
            return 1
            """, Long.class);

    // KEYS[1] the tenant's hash; ARGV: session. Deletes the hash with its last session.
    private static final RedisScript<Long> RELEASE = LuaScript.of("""
            local bytes = redis.call('HGET', KEYS[1], ARGV[1])
            if not bytes then return 0 end
            redis.call('HDEL', KEYS[1], ARGV[1])
            if redis.call('HLEN', KEYS[1]) <= 1 then
              redis.call('DEL', KEYS[1])
            elseif bytes ~= '0' then
              -- the stored digits, negated as text: a Lua number would print -0 or 1e+14, which HINCRBY refuses
              redis.call('HINCRBY', KEYS[1], '_total', '-' .. bytes)
            end
            return 1
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;

    RedisMediaUsage(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    @Override
    public Mono<Long> used(String tenant) {
        return redis.<String, String>opsForHash().get(key(tenant), TOTAL).map(Long::parseLong).defaultIfEmpty(0L);
    }

    @Override
    public Mono<Boolean> add(String tenant, String sessionId, long bytes, long cap) {
        if (bytes < 0) {
            return Mono.error(new IllegalArgumentException("bytes must be >= 0, but was " + bytes));
        }
        if (sessionId.equals(TOTAL)) {
            return Mono.error(new IllegalArgumentException("session id must not be " + TOTAL));
        }
        return redis.execute(ADD, List.of(key(tenant)),
                        List.of(sessionId, Long.toString(bytes), Long.toString(cap)))
                .single().map(counted -> counted == 1L);
    }

    @Override
    public Mono<Void> release(String tenant, String sessionId) {
        return redis.execute(RELEASE, List.of(key(tenant)), List.of(sessionId)).then();
    }

    static String key(String tenant) {
        return RedisKeys.PREFIX + "{tenant:" + tenant + "}:media";
    }
}
