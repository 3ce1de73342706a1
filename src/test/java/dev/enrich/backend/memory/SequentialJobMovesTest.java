package dev.enrich.backend.memory;

import dev.enrich.backend.JobMovesContract;
import dev.enrich.events.JobMoves;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import reactor.core.scheduler.Schedulers;

/** The moves contract for the in-memory backend: the repository's move, then the log's append. */
class SequentialJobMovesTest extends JobMovesContract {

    @BeforeEach
    void inMemory() {
        jobs = new InMemoryJobRepository(10, 10);
        log = new InMemoryEventLog(10, 10, Schedulers.immediate(), Duration.ZERO);
        moves = JobMoves.sequential(jobs, log);
    }
}
