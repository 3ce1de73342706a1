package dev.enrich.api;

import dev.enrich.testing.RedisKeyspace;
import dev.enrich.testing.RedisServer;
import dev.enrich.testing.TestStagesConfiguration;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Retention on the Redis backend: what expires leaves no key, index member, field, value or stream entry naming it
 * (the kept feeds aside, as for deletion), and no file in the shared media directory.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"enrich.backend=redis",
        "enrich.events.heartbeat=15s", "enrich.pool.concurrency=4", "enrich.retention.sweep-interval=1h",
        "enrich.redis.queue.consumer=retention-test"})
@AutoConfigureWebTestClient
@Import({TestStagesConfiguration.class, RetentionScenarios.MovableClock.class})
@DirtiesContext
class RedisRetentionTest extends RetentionScenarios {

    private static final Path DIR = tempDir();
    private static final RedisServer REDIS = RedisServer.start(DIR.resolve("redis"), false);
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
    List<String> storedNaming(List<String> ids) {
        List<String> found = new ArrayList<>(RedisKeyspace.naming(CONNECTION.sync(), ids));
        List<String> encoded = ids.stream()
                .map(id -> Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes()))
                .toList();
        try (Stream<Path> all = Files.walk(DIR.resolve("media"))) {
            all.filter(Files::isRegularFile).map(Path::toString)
                    .filter(path -> encoded.stream().anyMatch(path::contains))
                    .forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("enrich-redis-retention");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
