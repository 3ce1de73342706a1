package dev.enrich.backend.memory;

import dev.enrich.backend.EventLogContractTest;
import dev.enrich.events.EventLog;
import dev.enrich.events.EventLog.Opened;
import dev.enrich.events.JobEvent;
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

    @Override
    protected JobEvent append(EventLog log, String stream, JobEvent event) {
        return log.append(stream, event);
    }

    @Override
    protected Opened open(EventLog log, String stream, long afterSeq) {
        return log.open(stream, afterSeq);
    }
}
