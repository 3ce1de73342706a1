package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.Fixtures;
import dev.enrich.testing.RedisKeyspace;
import dev.enrich.testing.RedisServer;
import dev.enrich.testing.TestStagesConfiguration;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Deleting sessions and tenants on the Redis backend: afterwards a SCAN of the whole keyspace finds no key, index
 * member, hash field or value, list item or stream entry naming the session, its jobs or its batch, and the session
 * counters give the room back. Kept on purpose, and not searched: the entries of the tenant's own live feed and of its
 * batches' feeds, which roll over (see the README's "Deleting data").
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"enrich.backend=redis",
        "enrich.events.heartbeat=15s", "enrich.pool.concurrency=4", "enrich.limits.max-sessions-per-tenant=3",
        "enrich.redis.queue.consumer=deletion-test",
        "enrich.security.api-keys[0].sha256=" + JobRetryTest.GLOBEX_SHA, "enrich.security.api-keys[0].tenant=globex",
        "enrich.security.api-keys[0].roles=USER"})
@AutoConfigureWebTestClient
@Import(TestStagesConfiguration.class)
@DirtiesContext
class RedisSessionDeletionTest extends DeletionScenarios {

    private static final Path DIR = tempDir();
    private static final RedisServer REDIS = RedisServer.start(DIR.resolve("redis"), true);
    private static final RedisClient CLIENT = RedisClient.create(REDIS.uri());
    private static final StatefulRedisConnection<String, String> CONNECTION = CLIENT.connect();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        REDIS.register(registry, DIR.resolve("media"));
    }

    @AfterAll
    static void stopRedis() {
        CONNECTION.close();
        CLIENT.shutdown();
        REDIS.close();
    }

    @Override
    void assertStoreHoldsNothingNaming(String tenant, List<String> ids) {
        assertThat(RedisKeyspace.naming(redis(), ids)).isEmpty();
        assertCountsMatchTheSessionsStored(tenant);
    }

    @Override
    void assertStoreHoldsNothingOfTenant(String tenant) {
        // Its request-rate window expires by itself within a second; nothing else of the tenant stays.
        assertThat(RedisKeyspace.naming(redis(), List.of("tenant:" + tenant + "}", "user:" + tenant + "}")))
                .allSatisfy(found -> assertThat(found).startsWith("enrich:{tenant:" + tenant + "}:rate"));
    }

    @Test
    void aTenantCanFillItsShareAgainOnceItDeletedASession() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(ApiTestSupport.upload(http, Fixtures.session("S" + i, "Notes.", null)));
        }
        http.post().uri("/api/v1/sessions").bodyValue(Fixtures.session("Too many", "Notes.", null)).exchange()
                .expectStatus().isEqualTo(429);

        http.delete().uri("/api/v1/sessions/{id}", ids.get(1)).exchange().expectStatus().isNoContent();

        assertCountsMatchTheSessionsStored("default");
        assertThat(redis().get("enrich:{tenant:default}:sessions")).isEqualTo("2");
        ApiTestSupport.upload(http, Fixtures.session("Again", "Notes.", null));
        http.post().uri("/api/v1/sessions").bodyValue(Fixtures.session("Too many", "Notes.", null)).exchange()
                .expectStatus().isEqualTo(429);
    }

    // Each counter equals what its index and the session records say.
    private void assertCountsMatchTheSessionsStored(String tenant) {
        RedisCommands<String, String> redis = redis();
        long stored = RedisKeyspace.keys(redis(), "enrich:{session:*}:data").size();
        long own = redis.zcard("enrich:{tenant:" + tenant + "}:sessionids");
        assertThat(count(redis.get("enrich:sessions:count"))).isEqualTo(stored);
        assertThat(count(redis.get("enrich:{tenant:" + tenant + "}:sessions"))).isEqualTo(own);
        assertThat(RedisKeyspace.keys(redis(), "enrich:{session:*}:data").stream()
                .filter(key -> tenant.equals(redis.hget(key, "tenant")))).hasSize((int) own);
    }

    private static long count(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    private static RedisCommands<String, String> redis() {
        return CONNECTION.sync();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("enrich-redis-deletion");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
