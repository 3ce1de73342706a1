package dev.enrich.backend.redis;

import dev.enrich.backend.JobMovesContract;
import dev.enrich.testing.Json;
import dev.enrich.testing.RedisServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.scheduler.Schedulers;

/** The moves contract against a real redis-server: the move and its event in one script. */
class RedisJobMovesTest extends JobMovesContract {

    @TempDir
    Path dir;

    private RedisServer redis;
    private LettuceConnectionFactory factory;
    private RedisEventLog redisLog;

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start(dir, false);
        factory = redis.connect();
        ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(factory);
        RedisJobRepository redisJobs = new RedisJobRepository(template, Json.mapper(), 10, 10);
        redisLog = RedisEventLogContractTest.start(factory, 10, Schedulers.immediate());
        jobs = redisJobs;
        log = redisLog;
        moves = new RedisJobMoves(template, redisJobs, redisLog);
    }

    @AfterEach
    void stopRedis() {
        redisLog.stop();
        factory.destroy();
        redis.close();
    }
}
