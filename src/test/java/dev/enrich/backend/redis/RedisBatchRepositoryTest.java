package dev.enrich.backend.redis;

import dev.enrich.backend.BatchRepositoryContract;
import dev.enrich.job.BatchRepository;
import dev.enrich.testing.Json;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis BatchRepository keeps the port's contract, against a real redis-server. */
class RedisBatchRepositoryTest extends BatchRepositoryContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected BatchRepository repository() {
        return new RedisBatchRepository(REDIS.template(), Json.mapper());
    }
}
