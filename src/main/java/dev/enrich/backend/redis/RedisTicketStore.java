package dev.enrich.backend.redis;

import dev.enrich.config.SecurityProperties;
import dev.enrich.security.TicketStore;
import dev.enrich.tenant.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Keep stream tickets in Redis for the whole fleet: a ticket issued by one replica opens its stream once on any
 * replica, and never twice anywhere, since taking a grant reads and deletes it in one script.
 *
 * <pre>
 * enrich:{tickets}:KEY    hash  tenant, subject, admin, path, expires (epoch ms); expires with the grant (PX)
 * enrich:{tickets}:live   zset  KEY by expiry (epoch ms): the count of unexpired grants, trimmed on every put
 * </pre>
 *
 * Both live in one hash slot, so the scripts stay valid under Redis Cluster. The count is judged on the issuing
 * replica's clock (the same clock that tells the client its ticket's expiry); the grant's own key lives for the
 * remaining TTL by Redis's clock, so a skewed replica can shift neither by more than its skew.
 */
final class RedisTicketStore implements TicketStore {

    private static final String PREFIX = RedisKeys.PREFIX + "{tickets}:";
    private static final String LIVE = PREFIX + "live";

    // KEYS[1] the grant, KEYS[2] the live index; ARGV: now ms, expires ms, ttl ms, max, tenant, subject, admin, path
    private static final RedisScript<Long> PUT = LuaScript.of("""
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
            if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 0 end
            redis.call('HSET', KEYS[1], 'tenant', ARGV[5], 'subject', ARGV[6], 'admin', ARGV[7], 'path', ARGV[8],
              'expires', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('ZADD', KEYS[2], ARGV[2], KEYS[1])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            return 1
            """, Long.class);

    // KEYS[1] the grant, KEYS[2] the live index. Returns the grant's fields and forgets it, or an empty list.
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final RedisScript<List<String>> TAKE = (RedisScript) LuaScript.of("""
            local g = redis.call('HMGET', KEYS[1], 'tenant', 'subject', 'admin', 'path', 'expires')
            if not g[1] then return {} end
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], KEYS[1])
            return g
            """, List.class);

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;
    private final String maxOutstanding;

    /** Hold at most {@code settings.maxOutstanding()} unexpired grants for the fleet, judged on {@code clock}. */
    RedisTicketStore(ReactiveStringRedisTemplate redis, SecurityProperties.Tickets settings, Clock clock) {
        this.redis = redis;
        this.clock = clock;
        this.maxOutstanding = Integer.toString(settings.maxOutstanding());
    }

    @Override
    public Mono<Boolean> put(String key, Grant grant) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            long ttl = Duration.between(now, grant.expiresAt()).toMillis();
            if (ttl <= 0) {
                return Mono.just(true); // expired as it is kept: nothing to keep, nothing to redeem
            }
            Caller caller = grant.caller();
            return redis.execute(PUT, List.of(PREFIX + key, LIVE), List.of(Long.toString(now.toEpochMilli()),
                            Long.toString(grant.expiresAt().toEpochMilli()), Long.toString(ttl), maxOutstanding,
                            caller.tenant(), caller.subject(), Boolean.toString(caller.admin()), grant.path()))
                    .single()
                    .map(kept -> kept == 1);
        });
    }

    @Override
    public Mono<Grant> take(String key) {
        return redis.execute(TAKE, List.of(PREFIX + key, LIVE), List.of())
                .next()
                .filter(fields -> fields.size() == 5)
                .map(f -> new Grant(new Caller(f.get(0), f.get(1), Boolean.parseBoolean(f.get(2))), f.get(3),
                        Instant.ofEpochMilli(Long.parseLong(f.get(4)))));
    }
}
