package dev.enrich.backend.redis;

import dev.enrich.backend.ExpiryIndexContract;
import dev.enrich.retention.ExpiryIndex;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis ExpiryIndex keeps the port's contract, against a real redis-server shared by two handles. */
class RedisExpiryIndexTest extends ExpiryIndexContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected ExpiryIndex index() {
        return new RedisExpiryIndex(REDIS.template());
    }

    @Override
    protected ExpiryIndex otherReplica(ExpiryIndex first) {
        return new RedisExpiryIndex(REDIS.otherTemplate());
    }
}
