package dev.enrich.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.events.EventLog;
import dev.enrich.events.EventPublisher;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.Pipeline;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.progress.DurationModel;
import dev.enrich.queue.QueuedJob;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.SessionText;
import dev.enrich.testing.ServiceTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A run that fails where no stage result can say so (here: its checkpoints cannot be read) does not leave its job
 * QUEUED or RUNNING for good: the job is stored FAILED and its end published; when even that cannot be stored, the
 * error reaches the dispatcher (which leaves the job to its queue).
 */
@ServiceTest
class CrashedRunTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    JobRepository jobs;

    @Autowired
    SessionRepository sessions;

    @Autowired
    Pipeline pipeline;

    @Autowired
    EventPublisher events;

    @Autowired
    EventLog log;

    @Autowired
    DurationModel durations;

    @Autowired
    JobMetrics metrics;

    @Test
    void aRunThatFailsOutsideItsStagesEndsItsJobFailedWithItsEndPublished() {
        Job queued = queuedJob();
        JobRunner runner = runner(new Faulty(jobs, Integer.MAX_VALUE));

        StepVerifier.create(runner.run(queuedEntry(queued), Mono.never()))
                .expectNext(JobState.FAILED)
                .expectComplete()
                .verify(WAIT);

        Job stored = jobs.findById(queued.id()).block(WAIT);
        assertThat(stored.state()).isEqualTo(JobState.FAILED);
        assertThat(stored.message()).isEqualTo(JobRunner.CRASHED).doesNotContain("checkpoint");
        assertThat(stored.finishedAt()).isNotNull();
        assertThat(events.endPublished(queued.id()).block(WAIT)).isTrue();
        JobEvent end = log.last(EventPublisher.jobStream(queued.id())).block(WAIT);
        assertThat(end.type()).isEqualTo(EventType.FAILED);
    }

    @Test
    void whenEvenTheFailureCannotBeStoredTheErrorGoesOnToTheDispatcher() {
        Job queued = queuedJob();
        // The run's own read works; the store fails from the crash handler's read on.
        JobRunner runner = runner(new Faulty(jobs, 1));

        StepVerifier.create(runner.run(queuedEntry(queued), Mono.never()))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("checkpoints unreadable");
                    assertThat(e.getSuppressed()).singleElement().satisfies(s ->
                            assertThat(s).hasMessage("store failed"));
                })
                .verify(WAIT);

        assertThat(jobs.findById(queued.id()).block(WAIT).state()).isEqualTo(JobState.QUEUED);
        assertThat(log.last(EventPublisher.jobStream(queued.id())).blockOptional(WAIT)).as("no event").isEmpty();
    }

    private Job queuedJob() {
        String session = "crash-" + UUID.randomUUID();
        sessions.save(new Session(session, "default", "T", SessionText.inline("Notes."), null, List.of(),
                Instant.now())).block(WAIT);
        Job queued = Job.queued("crash-" + UUID.randomUUID(), "default", session, null, Priority.INTERACTIVE,
                Set.of(StageName.SUMMARY), Instant.now());
        jobs.save(queued).block(WAIT);
        return queued;
    }

    private static QueuedJob queuedEntry(Job job) {
        return new QueuedJob(job.id(), job.tenant(), job.priority(), job.createdAt());
    }

    private JobRunner runner(JobRepository store) {
        return new JobRunner(store, sessions, pipeline, events, durations, Clock.systemUTC(), Duration.ofMillis(250),
                metrics, null);
    }

    /**
     * The service's job store, whose checkpoints cannot be read (a corrupt record: not a store outage, so no run
     * waits for it), and whose reads fail after the first {@code readsThatWork}.
     */
    private static final class Faulty implements JobRepository {

        private final JobRepository store;
        private final int readsThatWork;
        private final AtomicInteger reads = new AtomicInteger();

        Faulty(JobRepository store, int readsThatWork) {
            this.store = store;
            this.readsThatWork = readsThatWork;
        }

        @Override
        public Mono<Map<StageName, StageResult>> results(String jobId) {
            return Mono.error(new IllegalStateException("checkpoints unreadable"));
        }

        @Override
        public Mono<Job> findById(String id) {
            return Mono.defer(() -> reads.incrementAndGet() > readsThatWork
                    ? Mono.error(new IllegalStateException("store failed")) : store.findById(id));
        }

        @Override
        public Mono<Job> save(Job job) {
            return store.save(job);
        }

        @Override
        public Mono<Boolean> transition(JobState from, Job next) {
            return store.transition(from, next);
        }

        @Override
        public Mono<Void> delete(String id) {
            return store.delete(id);
        }

        @Override
        public Mono<Job> find(String tenant, String id) {
            return store.find(tenant, id);
        }

        @Override
        public Flux<Job> findByTenant(String tenant, int limit) {
            return store.findByTenant(tenant, limit);
        }

        @Override
        public Flux<Job> findByState(JobState state, int limit) {
            return store.findByState(state, limit);
        }

        @Override
        public Flux<Job> findBySession(String tenant, String sessionId) {
            return store.findBySession(tenant, sessionId);
        }

        @Override
        public Mono<Void> saveResult(String jobId, StageName stage, StageResult result) {
            return store.saveResult(jobId, stage, result);
        }
    }
}
