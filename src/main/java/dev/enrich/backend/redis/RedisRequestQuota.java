package dev.enrich.backend.redis;

import dev.enrich.tenant.RequestQuota;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Count each tenant's requests for the whole fleet: a fixed window of one period per tenant, one counter key
 * {@code enrich:{tenant:T}:rate} that the first request of a window creates with the period as its time to live.
 * Every replica increments the same counter in one Lua script, so the fleet admits at most {@code requestsPerSecond}
 * per window together, like one replica's resilience4j limiter did alone.
 *
 * <p>The window is timed by the key's expiry, that is by Redis's clock alone: no replica's clock is read (they may
 * disagree), and no {@code TIME} call is needed. A refusal carries the window's remaining time as its Retry-After.
 */
final class RedisRequestQuota implements RequestQuota {

    /** The period of one window. */
    static final Duration PERIOD = Duration.ofSeconds(1);

    // KEYS[1] the tenant's counter; ARGV: limit, period (ms). Returns 0 when admitted, else the window's ms left.
    private static final RedisScript<Long> ACQUIRE = LuaScript.of("""
            local n = redis.call('INCR', KEYS[1])
            local left = redis.call('PTTL', KEYS[1])
            if left < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              left = tonumber(ARGV[2])
            end
            if n <= tonumber(ARGV[1]) then return 0 end
            return math.max(left, 1)
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final List<String> args;

    /**
     * Admit {@code requestsPerSecond} requests per tenant and window.
     *
     * @throws IllegalArgumentException when {@code requestsPerSecond} is not positive
     */
    RedisRequestQuota(ReactiveStringRedisTemplate redis, int requestsPerSecond) {
        if (requestsPerSecond <= 0) {
            throw new IllegalArgumentException("requestsPerSecond must be > 0, but was " + requestsPerSecond);
        }
        this.redis = redis;
        this.args = List.of(Integer.toString(requestsPerSecond), Long.toString(PERIOD.toMillis()));
    }

    @Override
    public Mono<Decision> tryAcquire(String tenant) {
        return redis.execute(ACQUIRE, List.of(key(tenant)), args).single()
                .map(left -> left == 0 ? Decision.allow() : Decision.refuse(Duration.ofMillis(left)));
    }

    static String key(String tenant) {
        return RedisKeys.PREFIX + "{tenant:" + tenant + "}:rate";
    }
}
