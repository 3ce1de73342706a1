package dev.enrich.api;

import dev.enrich.testing.RedisServer;
import dev.enrich.testing.TestStagesConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Automatic job retries on the Redis backend: the next run is a new entry in the shared queue. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"enrich.backend=redis",
        "enrich.events.heartbeat=15s", "enrich.pool.concurrency=4", "enrich.redis.queue.consumer=auto-retry-test",
        "enrich.jobs.max-attempts=3", "enrich.jobs.first-backoff=20ms", "enrich.jobs.max-backoff=50ms"})
@AutoConfigureWebTestClient
@Import(TestStagesConfiguration.class)
@DirtiesContext
class RedisAutoRetryTest extends AutoRetryScenarios {

    private static final Path DIR = tempDir();
    private static final RedisServer REDIS = RedisServer.start(DIR.resolve("redis"), false);

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        REDIS.register(registry, DIR.resolve("media"));
    }

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("enrich-redis-auto-retry");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
