package dev.enrich.backend.redis;

import dev.enrich.backend.SessionRepositoryContract;
import dev.enrich.session.SessionRepository;
import dev.enrich.testing.Json;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis SessionRepository keeps the port's contract, against a real redis-server. */
class RedisSessionRepositoryTest extends SessionRepositoryContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected SessionRepository repository(int maxSessions, int maxPerTenant) {
        return new RedisSessionRepository(REDIS.template(), Json.mapper(), maxSessions, maxPerTenant);
    }

    @Override
    protected SessionRepository otherReplica(SessionRepository first, int maxSessions, int maxPerTenant) {
        return new RedisSessionRepository(REDIS.otherTemplate(), Json.mapper(), maxSessions, maxPerTenant);
    }
}
