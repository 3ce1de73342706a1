package dev.enrich.backend.redis;

import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.StorageLimitException;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
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

    // KEYS[1] the session; ARGV: tenant, json, maxSessions, maxPerTenant
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
            return 'OK'
            """, String.class);

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
        return Mono.defer(() -> redis.execute(SAVE, List.of(RedisKeys.session(session.id())),
                        List.of(session.tenant(), json.writeValueAsString(StoredSession.of(session)),
                                Integer.toString(maxSessions), Integer.toString(maxPerTenant)))
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
}
