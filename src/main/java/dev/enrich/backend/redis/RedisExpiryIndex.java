package dev.enrich.backend.redis;

import dev.enrich.retention.ExpiryIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keep the expiry index for the fleet in one sorted set, {@code enrich:retention:sessions}: member
 * {@code <tenant length>:<tenant><session id>}, score the time (epoch ms) the session is next looked at. A claim is
 * one Lua script (range read of what is due, then each moved a lease ahead), so two replicas never take one session.
 */
final class RedisExpiryIndex implements ExpiryIndex {

    static final String KEY = RedisKeys.PREFIX + "retention:sessions";

    // KEYS[1] the index; ARGV: now (ms), lease end (ms), limit. Returns the members taken.
    private static final RedisScript<List> CLAIM = LuaScript.of("""
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
            for _, member in ipairs(due) do
              redis.call('ZADD', KEYS[1], ARGV[2], member)
            end
            return due
            """, List.class);

    private final ReactiveStringRedisTemplate redis;

    RedisExpiryIndex(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    @Override
    public Mono<Void> schedule(SessionKey session, Instant at) {
        return redis.opsForZSet().add(KEY, member(session), at.toEpochMilli()).then();
    }

    @Override
    public Flux<SessionKey> claim(Instant now, Duration lease, int limit) {
        List<String> args = List.of(Long.toString(now.toEpochMilli()), Long.toString(now.plus(lease).toEpochMilli()),
                Integer.toString(limit));
        return redis.execute(CLAIM, List.of(KEY), args)
                .flatMapIterable(members -> members)
                .map(member -> parse(String.valueOf(member)));
    }

    @Override
    public Mono<Void> remove(SessionKey session) {
        return redis.opsForZSet().remove(KEY, member(session)).then();
    }

    @Override
    public Mono<Long> size() {
        return redis.opsForZSet().size(KEY);
    }

    static String member(SessionKey session) {
        return session.tenant().length() + ":" + session.tenant() + session.sessionId();
    }

    static SessionKey parse(String member) {
        int colon = member.indexOf(':');
        int length = Integer.parseInt(member.substring(0, colon));
        int start = colon + 1;
        return new SessionKey(member.substring(start, start + length), member.substring(start + length));
    }
}
