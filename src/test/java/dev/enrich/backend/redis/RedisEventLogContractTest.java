package dev.enrich.backend.redis;

import dev.enrich.backend.EventLogContractTest;
import dev.enrich.events.EventLog;
import dev.enrich.events.EventLog.Opened;
import dev.enrich.events.JobEvent;
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

/** The event log contract against a real redis-server; opens that resume use {@link RedisEventLog#resume}. */
class RedisEventLogContractTest extends EventLogContractTest {

    @TempDir
    Path dir;

    private RedisServer redis;
    private final List<LettuceConnectionFactory> factories = new ArrayList<>();
    private final List<RedisEventLog> logs = new ArrayList<>();
    private Scheduler fanout;

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
                new RedisEventsProperties(retain, Duration.ofHours(1), 100, "enrich:events:"), fanout, Duration.ZERO);
        log.start();
        return log;
    }

    @Override
    protected EventLog log(int retain) {
        LettuceConnectionFactory factory = redis.connect();
        factories.add(factory);
        RedisEventLog log = start(factory, retain, fanout);
        logs.add(log);
        return log;
    }

    @Override
    protected JobEvent append(EventLog log, String stream, JobEvent event) {
        return ((RedisEventLog) log).write(stream, event).block(TIMEOUT);
    }

    @Override
    protected Opened open(EventLog log, String stream, long afterSeq) {
        return ((RedisEventLog) log).resume(stream, afterSeq).block(TIMEOUT);
    }
}
