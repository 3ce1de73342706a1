package dev.enrich.engine;

import dev.enrich.events.EventPublisher;
import dev.enrich.events.JobEvent;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import java.time.Clock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Record a cancel on a job as stored, for whichever run holds it: a cancel through the API of a job not running here,
 * and a cancel a run was told of after its job moved to another replica's run. It is no run's move (delivery 0), so
 * the store does not refuse it for the run that holds the job; that run finds its next save refused and gives way.
 */
final class Cancels {

    private static final Logger log = LoggerFactory.getLogger(Cancels.class);
    /** Moves tried, each lost to another move of the job in between (then the job is read again). */
    static final int TRIES = 5;

    private final JobRepository jobs;
    private final EventPublisher events;
    private final Clock clock;

    Cancels(JobRepository jobs, EventPublisher events, Clock clock) {
        this.jobs = jobs;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Move {@code read} (the job as last read) to CANCELLED from its state, when it has not ended and {@code applies}
     * to it; a job that moved meanwhile is read again. Answer with the job as it then stands (empty when deleted).
     */
    Mono<Job> cancel(Job read, Predicate<Job> applies) {
        return cancel(read, applies, TRIES);
    }

    private Mono<Job> cancel(Job read, Predicate<Job> applies, int tries) {
        if (read.state().isTerminal() || !applies.test(read)) {
            return Mono.just(read);
        }
        if (tries <= 0) {
            log.warn("cancel not recorded job={}: the job kept moving", read.id());
            return Mono.just(read);
        }
        Job cancelled = read.withState(JobState.CANCELLED, "Cancelled.", clock.instant()).deliveredAs(0);
        return events.publishMove(read.state(), cancelled, null, JobEvent.ended(cancelled, clock.instant()))
                .flatMap(moved -> moved ? Mono.just(cancelled)
                        : jobs.findById(read.id()).flatMap(again -> cancel(again, applies, tries - 1)));
    }
}
