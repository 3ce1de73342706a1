package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.IdempotencyStoreContract;
import dev.enrich.idempotency.IdempotencyStore;
import dev.enrich.idempotency.StoredResponse;
import dev.enrich.testing.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Idempotency-Keys on Redis keep the contract across two replicas' connections, against a real redis-server; each
 * key lives in its tenant's hash slot and expires by itself (the lease, then the TTL).
 */
class RedisIdempotencyStoreTest extends IdempotencyStoreContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected IdempotencyStore store() {
        return new RedisIdempotencyStore(REDIS.template(), Json.mapper());
    }

    @Override
    protected IdempotencyStore otherReplica(IdempotencyStore store) {
        return new RedisIdempotencyStore(REDIS.otherTemplate(), Json.mapper());
    }

    @Test
    void aKeyLivesInItsTenantsSlotForTheLeaseThenForTheTimeToLive() {
        IdempotencyStore store = store();
        String name = "enrich:{tenant:acme}:idempotency:order-7";

        IdempotencyStore.Claim claim = store.claim("acme", "order-7", Duration.ofSeconds(30)).block(WAIT);
        assertThat(REDIS.template().getExpire(name).block(WAIT)).isPositive()
                .isLessThanOrEqualTo(Duration.ofSeconds(30));

        String token = ((IdempotencyStore.Acquired) claim).token();
        StoredResponse response = new StoredResponse("f", 202, Map.of("Location", List.of("/api/v1/jobs/j")), "{}");
        store.complete("acme", "order-7", token, response, Duration.ofHours(24)).block(WAIT);
        assertThat(REDIS.template().getExpire(name).block(WAIT)).isGreaterThan(Duration.ofHours(23))
                .isLessThanOrEqualTo(Duration.ofHours(24));
        assertThat(REDIS.template().opsForValue().get(name).block(WAIT)).contains("\"fingerprint\":\"f\"");
    }
}
