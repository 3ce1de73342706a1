package dev.enrich.backend.redis;

import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.StorageLimitException;
import java.util.List;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keep sessions in Redis with the in-memory adapter's semantics: at most {@code maxSessions} in all and
 * {@code maxPerTenant} per tenant; a new session past either cap is refused ({@link StorageLimitException}) and nothing
 * is evicted. The counters and the insert they allow change in one Lua script, so two replicas cannot both pass a cap.
 */
final class RedisSessionRepository implements SessionRepository {

    private static final String ROOM = """
            local function room(tenant, maxSessions, maxPerTenant)
              if tonumber(redis.call('GET', 'enrich:{tenant:' .. tenant .. '}:sessions') or '0') >= tonumber(maxPerTenant)
                then return 'TENANT' end
              if tonumber(redis.call('GET', 'enrich:sessions:count') or '0') >= tonumber(maxSessions)
                then return 'SERVICE' end
              return 'OK'
            end
            """;

    // KEYS[1] the session, KEYS[2] the tenant's session ids; ARGV: tenant, json, maxSessions, maxPerTenant, id,
    // creation score
    private static final RedisScript<String> SAVE = LuaScript.of(ROOM + """
            local owner = redis.call('HGET', KEYS[1], 'tenant')
            if owner then
              if owner ~= ARGV[1] then return 'OTHER_TENANT' end
            else
              local verdict = room(ARGV[1], ARGV[3], ARGV[4])
              if verdict ~= 'OK' then return verdict end
              redis.call('INCR', 'enrich:{tenant:' .. ARGV[1] .. '}:sessions')
              redis.call('INCR', 'enrich:sessions:count')
            end
            redis.call('HSET', KEYS[1], 'tenant', ARGV[1], 'json', ARGV[2])
            redis.call('ZADD', KEYS[2], ARGV[6], ARGV[5])
            return 'OK'
            """, String.class);

    // KEYS[1] the session, KEYS[2] the tenant's session ids; ARGV: tenant, id. Returns 1, or 0 (nothing changed)
    // when the session is unknown or another tenant's. A counter that reaches 0 goes, like an emptied index.
    private static final RedisScript<Long> DELETE = LuaScript.of("""
            if redis.call('HGET', KEYS[1], 'tenant') ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[2])
            for _, counter in ipairs({'enrich:{tenant:' .. ARGV[1] .. '}:sessions', 'enrich:sessions:count'}) do
              if redis.call('DECR', counter) <= 0 then redis.call('DEL', counter) end
            end
            return 1
            """, Long.class);

    // ARGV: tenant, maxSessions, maxPerTenant
    private static final RedisScript<String> CHECK = LuaScript.of(ROOM + "return room(ARGV[1], ARGV[2], ARGV[3])\n",
            String.class);

    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper json;
    private final int maxSessions;
    private final int maxPerTenant;

    /**
     * Create the repository.
     *
     * @throws IllegalArgumentException when a cap is not positive
     */
    RedisSessionRepository(ReactiveStringRedisTemplate redis, JsonMapper json, int maxSessions, int maxPerTenant) {
        if (maxSessions <= 0) {
            throw new IllegalArgumentException("maxSessions must be > 0, but was " + maxSessions);
        }
        if (maxPerTenant <= 0) {
            throw new IllegalArgumentException("maxPerTenant must be > 0, but was " + maxPerTenant);
        }
        this.redis = redis;
        this.json = json;
        this.maxSessions = maxSessions;
        this.maxPerTenant = maxPerTenant;
    }

    @Override
    public Mono<Void> checkRoom(String tenant) {
        return redis.execute(CHECK, List.of(), List.of(tenant, Integer.toString(maxSessions),
                Integer.toString(maxPerTenant))).single().flatMap(this::verdict).then();
    }

    @Override
    public Mono<Session> save(Session session) {
        return Mono.defer(() -> redis.execute(SAVE, List.of(RedisKeys.session(session.id()),
                                RedisKeys.tenantSessions(session.tenant())),
                        List.of(session.tenant(), json.writeValueAsString(StoredSession.of(session)),
                                Integer.toString(maxSessions), Integer.toString(maxPerTenant), session.id(),
                                RedisKeys.score(session.createdAt())))
                .single()
                .flatMap(this::verdict)
                .thenReturn(session));
    }

    private Mono<Void> verdict(String outcome) {
        return switch (outcome) {
            case "OK" -> Mono.empty();
            case "TENANT" -> Mono.error(
                    new StorageLimitException(StorageLimitException.Scope.TENANT, "sessions", maxPerTenant));
            case "SERVICE" -> Mono.error(
                    new StorageLimitException(StorageLimitException.Scope.SERVICE, "sessions", maxSessions));
            case "OTHER_TENANT" -> Mono.error(new IllegalArgumentException("session belongs to another tenant"));
            default -> Mono.error(new IllegalStateException("unexpected reply from the session script: " + outcome));
        };
    }

    @Override
    public Mono<Session> find(String tenant, String id) {
        return redis.<String, String>opsForHash().get(RedisKeys.session(id), "json")
                .map(text -> json.readValue(text, StoredSession.class).session())
                .filter(s -> s.tenant().equals(tenant));
    }

    @Override
    public Mono<Boolean> delete(String tenant, String id) {
        return redis.execute(DELETE, List.of(RedisKeys.session(id), RedisKeys.tenantSessions(tenant)),
                List.of(tenant, id)).single().map(deleted -> deleted == 1L);
    }

    /** List from the tenant's index: sessions saved before the index existed join it when saved again. */
    @Override
    public Flux<String> findIds(String tenant) {
        return redis.opsForZSet().range(RedisKeys.tenantSessions(tenant), Range.unbounded());
    }
}
