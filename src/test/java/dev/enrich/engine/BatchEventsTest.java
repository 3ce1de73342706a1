package dev.enrich.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.memory.InMemoryEventLog;
import dev.enrich.backend.memory.InMemoryJobRepository;
import dev.enrich.events.EventPublisher;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.events.JobMoves;
import dev.enrich.job.BatchView;
import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Batch progress is derived from the published job events: no callback from the runner, no holder. */
class BatchEventsTest {

    private static final Instant NOW = Instant.parse("2025-01-01T10:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Scheduler fanout = Schedulers.newSingle("batch-events-test-fanout");
    private final Scheduler work = Schedulers.newSingle("batch-events-test-work");
    private final InMemoryEventLog log = new InMemoryEventLog(100, 100, fanout, Duration.ZERO);
    private final EventPublisher publisher = new EventPublisher(log,
            JobMoves.sequential(new InMemoryJobRepository(100, 100), log));
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    /** Jobs that ended, by batch: what the views count. */
    private final Map<String, Set<String>> ended = new ConcurrentHashMap<>();
    private final BatchEvents batchEvents = new BatchEvents(publisher, this::view, clock, work);

    @AfterEach
    void dispose() {
        batchEvents.stop();
        fanout.dispose();
        work.dispose();
    }

    @Test
    void eachEndedJobOfABatchIsFollowedByTheBatchsNewView() {
        Job one = job("one", "b1");
        Job two = job("two", "b1");
        Job alone = job("alone", null);

        StepVerifier.create(batchEvents.derived())
                .then(() -> publisher.publish(JobEvent.progress(one.withState(JobState.RUNNING, "Running.", NOW),
                        null, NOW)).block())
                .then(() -> publish(ended(one)))
                .assertNext(e -> {
                    assertThat(e.type()).isEqualTo(EventType.BATCH);
                    assertThat(e.batchId()).isEqualTo("b1");
                    assertThat(e.message()).isEqualTo("1 of 2 sessions done");
                })
                .then(() -> publish(ended(alone)))
                .then(() -> publish(ended(two)))
                .assertNext(e -> {
                    assertThat(e.state()).isEqualTo(JobState.COMPLETED);
                    assertThat(e.message()).isEqualTo("2 of 2 sessions done.");
                })
                .thenCancel()
                .verify(TIMEOUT);

        // On the batch's stream each batch view follows the job event it was derived from.
        StepVerifier.create(log.openNow(EventPublisher.batchStream("b1"), 0).batches()
                        .concatMapIterable(batch -> batch)
                        .map(e -> e.type().id() + (e.jobId() == null ? "" : ":" + e.jobId())))
                .expectNext("progress:one", "completed:one", "batch", "completed:two", "batch")
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void aFinishedViewWaitsForTheLastJobsEndToBePublishedSoTheBatchStreamEndsAfterIt() {
        Job one = job("one", "b3");
        Job other = job("other", "b5");
        // Job two has saved its end (the view counts it) but not yet published it when job one's end is derived.
        Job two = endStoredNotLast(job("two", "b3"));

        StepVerifier.create(batchEvents.derived().map(e -> e.batchId() + ":" + e.state().name()))
                .then(() -> publish(ended(one)))
                // Views are made one after the other: another batch's view comes first only if job one's was held.
                .then(() -> publish(ended(other)))
                .expectNext("b5:RUNNING")
                .then(() -> publish(ended(two)))
                .expectNext("b3:COMPLETED")
                .thenCancel()
                .verify(TIMEOUT);

        String stream = EventPublisher.batchStream("b3");
        assertThat(log.lastSeqNow(stream)).isEqualTo(4);
        StepVerifier.create(log.openNow(stream, 0).batches().concatMapIterable(batch -> batch)
                        .map(e -> e.type().id() + ":" + (e.jobId() == null ? e.state().name() : e.jobId())))
                .expectNext("progress:two", "completed:one", "completed:two", "batch:COMPLETED")
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void aFinishedViewIsPublishedWhenTheLogNoLongerHoldsAJobsStream() {
        Job one = job("one", "b4");
        ended.computeIfAbsent("b4", k -> ConcurrentHashMap.newKeySet()).add("two");

        StepVerifier.create(batchEvents.derived())
                .then(() -> publish(ended(one)))
                .assertNext(e -> assertThat(e.state()).isEqualTo(JobState.COMPLETED))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void aFinishedViewHeldBackIsCheckedAgainAndPublishedOnceAtTheLatestAfterItsLastCheck() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        BatchEvents timed = new BatchEvents(publisher, this::view, clock, time);
        Job one = job("one", "b6");
        // Say a retry notice followed job two's end in its stream.
        endStoredNotLast(job("two", "b6"));

        StepVerifier.create(timed.derived().map(e -> e.batchId() + ":" + e.state().name()))
                .then(() -> publish(ended(one)))
                .then(() -> publish(ended(job("three", "b7"))))
                .expectNext("b7:RUNNING")
                .then(() -> time.advanceTimeBy(BatchEvents.RECHECK.multipliedBy(BatchEvents.RECHECKS - 1)))
                .expectNoEvent(Duration.ZERO)
                .then(() -> time.advanceTimeBy(BatchEvents.RECHECK))
                .expectNext("b6:COMPLETED")
                .then(() -> time.advanceTimeBy(Duration.ofMinutes(1)))
                .expectNoEvent(Duration.ZERO)
                .thenCancel()
                .verify(TIMEOUT);
        time.dispose();
    }

    @Test
    void aHeldBackViewIsNotPublishedAgainOnceTheLastEndPublishedIt() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        BatchEvents timed = new BatchEvents(publisher, this::view, clock, time);
        Job one = job("one", "b8");
        Job two = endStoredNotLast(job("two", "b8"));

        StepVerifier.create(timed.derived().map(e -> e.batchId() + ":" + e.state().name()))
                .then(() -> publish(ended(one)))
                .then(() -> publish(ended(two)))
                .expectNext("b8:COMPLETED")
                .then(() -> time.advanceTimeBy(BatchEvents.RECHECK.multipliedBy(BatchEvents.RECHECKS + 1)))
                .expectNoEvent(Duration.ZERO)
                .thenCancel()
                .verify(TIMEOUT);
        assertThat(log.lastSeqNow(EventPublisher.batchStream("b8"))).as("progress, two ends, one batch event")
                .isEqualTo(4);
    }

    @Test
    void derivesWhileStartedAndNothingOnceStopped() {
        Job one = job("one", "b2");
        Job two = job("two", "b2");
        String stream = EventPublisher.batchStream("b2");

        batchEvents.start();
        assertThat(batchEvents.isRunning()).isTrue();
        StepVerifier.create(log.openNow(stream, 0).batches().concatMapIterable(batch -> batch).map(JobEvent::type))
                .then(() -> publish(ended(one)))
                .expectNext(EventType.COMPLETED, EventType.BATCH)
                .thenCancel()
                .verify(TIMEOUT);

        batchEvents.stop();
        assertThat(batchEvents.isRunning()).isFalse();
        publish(ended(two));
        // What the stopped deriver would have added comes after this marker; nothing may.
        publisher.publishBatch(JobEvent.batch(view("default", "b2").block(), "default", NOW)).block();
        StepVerifier.create(log.openNow(stream, 2).batches().concatMapIterable(batch -> batch).map(JobEvent::type))
                .expectNext(EventType.COMPLETED, EventType.BATCH)
                .expectNoEvent(Duration.ofMillis(200))
                .thenCancel()
                .verify(TIMEOUT);
        assertThat(log.lastSeqNow(stream)).isEqualTo(4);
    }

    // The job's end is stored (views count it), but the last event of its stream is not its end.
    private Job endStoredNotLast(Job job) {
        publisher.publish(JobEvent.progress(job.withState(JobState.RUNNING, "Running.", NOW), null, NOW)).block();
        ended.computeIfAbsent(job.batchId(), k -> ConcurrentHashMap.newKeySet()).add(job.id());
        return job;
    }

    private void publish(Job job) {
        if (job.batchId() != null && job.state().isTerminal()) {
            ended.computeIfAbsent(job.batchId(), k -> ConcurrentHashMap.newKeySet()).add(job.id());
        }
        publisher.publish(JobEvent.ended(job, NOW)).block();
    }

    private static Job job(String id, String batchId) {
        return Job.queued(id, "default", "s-" + id, batchId, Priority.BATCH, Set.of(StageName.SUMMARY), NOW);
    }

    private static Job ended(Job job) {
        return job.withState(JobState.COMPLETED, "Completed.", NOW);
    }

    private Mono<BatchView> view(String tenant, String batchId) {
        return Mono.fromSupplier(() -> {
            int done = ended.getOrDefault(batchId, Set.of()).size();
            JobState state = done == 2 ? JobState.COMPLETED : JobState.RUNNING;
            return new BatchView(batchId, state, 2, done, Map.of(state, 2), done / 2.0, done == 2 ? 0L : null,
                    "", done + " of 2 sessions done" + (done == 2 ? "." : ""), List.of("one", "two"), NOW);
        });
    }
}
