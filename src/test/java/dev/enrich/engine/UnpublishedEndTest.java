package dev.enrich.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.events.EventLog;
import dev.enrich.events.EventPublisher;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import dev.enrich.pool.WorkerPool;
import dev.enrich.queue.QueuedJob;
import dev.enrich.testing.ServiceTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A job whose run stored its end and died before publishing it, handed out again by the queue (a takeover), is not
 * run again, and its end is published then: its stream, and its batch's, end.
 */
@ServiceTest
class UnpublishedEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    JobRepository jobs;

    @Autowired
    WorkerPool pool;

    @Autowired
    EventPublisher events;

    @Autowired
    EventLog log;

    @Test
    void aTakenOverJobThatEndedWithoutItsEndPublishedHasItPublished() {
        Instant now = Instant.now();
        Job queued = Job.queued("unpublished-" + UUID.randomUUID(), "default", "no-session", null,
                Priority.INTERACTIVE, Set.of(StageName.SUMMARY), now);
        String stream = EventPublisher.jobStream(queued.id());
        events.publish(JobEvent.progress(queued.withState(JobState.RUNNING, "Starting...", now), null, now))
                .block(WAIT);
        // Its end is older than the grace a cancel gets to publish its own end (a takeover comes after the claim's idle
        // time).
        jobs.save(queued.withState(JobState.COMPLETED, "Done.", now.minus(JobRunner.END_GRACE.multipliedBy(2))))
                .block(WAIT);
        assertThat(events.endPublished(queued.id()).block(WAIT)).isFalse();

        assertThat(pool.submitAll(List.of(new QueuedJob(queued.id(), "default", Priority.INTERACTIVE, now))))
                .isTrue();

        await().atMost(WAIT).until(() -> events.endPublished(queued.id()).block(WAIT));
        JobEvent end = log.last(stream).block(WAIT);
        assertThat(end.type()).isEqualTo(EventType.COMPLETED);
        assertThat(end.seq()).isEqualTo(2);
        assertThat(jobs.findById(queued.id()).block(WAIT).state()).as("not run again").isEqualTo(JobState.COMPLETED);
    }
}
