package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.MediaUsageContract;
import dev.enrich.session.MediaUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis MediaUsage keeps the port's contract, against a real redis-server shared by two handles. */
class RedisMediaUsageTest extends MediaUsageContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected MediaUsage usage() {
        return new RedisMediaUsage(REDIS.template());
    }

    @Override
    protected MediaUsage otherReplica(MediaUsage first) {
        return new RedisMediaUsage(REDIS.otherTemplate());
    }

    @Test
    void theLastReleaseLeavesNoKeyBehind() {
        MediaUsage usage = usage();
        usage.add("a", "s1", 10, 100).block(WAIT);
        usage.add("a", "s2", 10, 100).block(WAIT);

        usage.release("a", "s1").block(WAIT);
        usage.release("a", "s2").block(WAIT);

        assertThat(REDIS.template().keys("*").collectList().block(WAIT)).isEmpty();
    }
}
