package dev.enrich.backend.redis;

import static org.awaitility.Awaitility.await;

import dev.enrich.backend.EventLogContractTest;
import dev.enrich.events.EventLog;
import dev.enrich.testing.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/** The event log contract against a real redis-server; a replica is a second log on its own connection factory. */
class RedisEventLogContractTest extends EventLogContractTest {

    @TempDir
    Path dir;

    private RedisServer redis;
    private final List<LettuceConnectionFactory> factories = new ArrayList<>();
    private final List<RedisEventLog> logs = new ArrayList<>();
    private Scheduler fanout;
    private int retain;

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start(dir, false);
        fanout = Schedulers.newParallel("redis-event-log-contract", 2, true);
    }

    @AfterEach
    void stopRedis() {
        logs.forEach(RedisEventLog::stop);
        factories.forEach(LettuceConnectionFactory::destroy);
        fanout.dispose();
        redis.close();
    }

    static RedisEventLog start(LettuceConnectionFactory factory, int retain, Scheduler fanout) {
        RedisEventLog log = new RedisEventLog(factory, JsonMapper.builder().findAndAddModules().build(),
                new RedisEventsProperties(retain, Duration.ofHours(1), Duration.ofDays(7), 100, "enrich:events:"), fanout, Duration.ZERO);
        log.start();
        return log;
    }

    @Override
    protected EventLog log(int retain) {
        this.retain = retain;
        LettuceConnectionFactory factory = redis.connect();
        factories.add(factory);
        RedisEventLog log = start(factory, retain, fanout);
        logs.add(log);
        return log;
    }

    @Override
    protected EventLog replica(EventLog log) {
        return log(retain);
    }

    // Redis answers lastSeq at once; this replica's subscribers see an event once its notification came back.
    @Override
    protected void awaitSeen(EventLog log, String stream, long seq) {
        await().atMost(TIMEOUT).until(() -> ((RedisEventLog) log).mirroredSeq(stream) >= seq);
    }

    // A deletion reaches another replica's mirror with its notice.
    @Override
    protected void awaitForgotten(EventLog log, String stream) {
        await().atMost(TIMEOUT).until(() -> ((RedisEventLog) log).mirroredSeq(stream) == 0);
    }
}
