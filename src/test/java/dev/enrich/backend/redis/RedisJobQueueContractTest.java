package dev.enrich.backend.redis;

import dev.enrich.backend.JobQueueContractTest;
import dev.enrich.queue.JobQueue;
import dev.enrich.testing.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis queue passes the shared contract against a real redis-server. Its read-ahead covers the whole queue
 * here, so tenants take turns exactly as in memory; in production they take turns within what one replica holds.
 */
class RedisJobQueueContractTest extends JobQueueContractTest {

    @TempDir
    static Path dir;

    private static RedisServer redis;
    private static LettuceConnectionFactory factory;
    private static final AtomicInteger prefixes = new AtomicInteger();
    private final List<RedisJobQueue> queues = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start(dir, false);
        factory = redis.connect();
    }

    @AfterAll
    static void stopRedis() {
        factory.destroy();
        redis.close();
    }

    @AfterEach
    void closeQueues() {
        queues.forEach(RedisJobQueue::close);
    }

    @Override
    protected JobQueue newQueue(int capacity, int interactiveBurst) {
        RedisQueueProperties settings = new RedisQueueProperties("test" + prefixes.incrementAndGet() + ":queue",
                "workers", "replica-a", 1000, 1000, Duration.ofMillis(200), Duration.ofMinutes(5),
                Duration.ofMinutes(1), Duration.ofMinutes(1), 3, 100, Duration.ofMillis(100));
        RedisJobQueue queue = new RedisJobQueue(factory, capacity, interactiveBurst, settings);
        queue.start();
        queues.add(queue);
        return queue;
    }
}
