package dev.enrich.backend.redis;

import dev.enrich.idempotency.IdempotencyStore;
import dev.enrich.idempotency.StoredResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Remember submissions in Redis for the whole fleet: a key claimed on one replica is in flight on all, and its first
 * response answers a retry on any of them.
 *
 * <pre>
 * enrich:{tenant:T}:idempotency:KEY   string  "claim:TOKEN" for the lease (PX), then the StoredResponse JSON for the TTL
 * </pre>
 *
 * The claim is {@code SET NX PX} in a script that, when the key is taken, reads what holds it in the same step; every
 * later change checks the claim's token first, so a holder whose lease ran out cannot touch a newer claim.
 */
final class RedisIdempotencyStore implements IdempotencyStore {

    private static final String CLAIM = "claim:";

    // KEYS[1] the key; ARGV: the claim, lease ms. Returns {"acquired"} or {"held", value, pttl}.
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final RedisScript<List<String>> TAKE = (RedisScript) LuaScript.of("""
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'acquired'} end
            return {'held', redis.call('GET', KEYS[1]) or '', tostring(redis.call('PTTL', KEYS[1]))}
            """, List.class);

    // KEYS[1] the key; ARGV: the claim, the new value, ms to keep it. 1 when the claim was held and is replaced.
    private static final RedisScript<Long> REPLACE = LuaScript.of("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            return 1
            """, Long.class);

    // KEYS[1] the key; ARGV: the claim. 1 when the claim was held and is gone.
    private static final RedisScript<Long> RELEASE = LuaScript.of("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            return redis.call('DEL', KEYS[1])
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper json;

    RedisIdempotencyStore(ReactiveStringRedisTemplate redis, JsonMapper json) {
        this.redis = redis;
        this.json = json;
    }

    /** Return the Redis key of {@code key} of {@code tenant}, in the tenant's hash slot. */
    static String key(String tenant, String key) {
        return RedisKeys.PREFIX + "{tenant:" + tenant + "}:idempotency:" + key;
    }

    @Override
    public Mono<Claim> claim(String tenant, String key, Duration lease) {
        return Mono.defer(() -> {
            String token = UUID.randomUUID().toString();
            return redis.execute(TAKE, List.of(key(tenant, key)), List.of(CLAIM + token, millis(lease)))
                    .next()
                    .map(reply -> reply.get(0).equals("acquired") ? new Acquired(token) : held(reply));
        });
    }

    @Override
    public Mono<Boolean> renew(String tenant, String key, String token, Duration lease) {
        return replace(tenant, key, token, CLAIM + token, lease);
    }

    @Override
    public Mono<Boolean> complete(String tenant, String key, String token, StoredResponse response, Duration ttl) {
        return Mono.defer(() -> replace(tenant, key, token, json.writeValueAsString(response), ttl));
    }

    @Override
    public Mono<Void> release(String tenant, String key, String token) {
        return redis.execute(RELEASE, List.of(key(tenant, key)), List.of(CLAIM + token)).then();
    }

    private Mono<Boolean> replace(String tenant, String key, String token, String value, Duration keep) {
        return redis.execute(REPLACE, List.of(key(tenant, key)), List.of(CLAIM + token, value, millis(keep)))
                .next()
                .map(replaced -> replaced == 1);
    }

    private Claim held(List<String> reply) {
        String value = reply.get(1);
        if (value.startsWith("{")) {
            return new Completed(json.readValue(value, StoredResponse.class));
        }
        // A claim; or, should the key have expired between the two reads, a moment's wait before trying again.
        return new InFlight(Duration.ofMillis(Math.max(0, Long.parseLong(reply.get(2)))));
    }

    private static String millis(Duration d) {
        return Long.toString(Math.max(1, d.toMillis()));
    }
}
