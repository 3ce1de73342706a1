package dev.enrich.backend.memory;

import dev.enrich.backend.EventLogContractTest;
import dev.enrich.events.EventLog;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

class InMemoryEventLogContractTest extends EventLogContractTest {

    private static final Scheduler FANOUT = Schedulers.newParallel("event-log-contract", 2, true);

    @AfterAll
    static void disposeFanout() {
        FANOUT.dispose();
    }

    @Override
    protected EventLog log(int retain) {
        return new InMemoryEventLog(retain, 100, FANOUT, Duration.ZERO);
    }

    // One process, one log: nothing else shares its events.
    @Override
    protected EventLog replica(EventLog log) {
        return log;
    }
}
