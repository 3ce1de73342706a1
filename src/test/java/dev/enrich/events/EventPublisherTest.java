package dev.enrich.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.backend.memory.InMemoryEventLog;
import dev.enrich.backend.memory.InMemoryJobRepository;
import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/** A move published with its event: the event reaches the published flow, numbered, only when the job moved. */
class EventPublisherTest {

    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");
    private final InMemoryJobRepository jobs = new InMemoryJobRepository(10, 10);
    private final EventLog log = new InMemoryEventLog(10, 10, Schedulers.immediate(), Duration.ZERO);
    private final EventPublisher publisher = new EventPublisher(log, JobMoves.sequential(jobs, log));

    @Test
    void aMoveHandsItsNumberedEventOverOnlyWhenTheJobMoved() {
        Job queued = Job.queued("j1", "t1", "s1", null, Priority.BATCH, EnumSet.of(StageName.AUDIO), T);
        jobs.save(queued).block();
        Job running = queued.withState(JobState.RUNNING, "Starting...", T);
        List<JobEvent> seen = new CopyOnWriteArrayList<>();
        Disposable following = publisher.published().subscribe(seen::add);

        assertThat(publisher.publishMove(JobState.QUEUED, running, null, JobEvent.progress(running, null, T)).block())
                .isTrue();
        assertThat(publisher.publishMove(JobState.QUEUED, running, null, JobEvent.progress(running, null, T)).block())
                .as("no longer queued").isFalse();
        following.dispose();

        assertThat(seen).singleElement().extracting(JobEvent::jobId, JobEvent::seq, JobEvent::jobSeq)
                .containsExactly("j1", 1L, 1L);
        assertThat(log.lastSeq("user:t1").block()).isEqualTo(1);
    }

    @Test
    void aMoveNeedsTheEventToBeTheMovedJobs() {
        Job job = Job.queued("j1", "t1", "s1", null, Priority.BATCH, EnumSet.of(StageName.AUDIO), T);
        Job other = Job.queued("j2", "t1", "s1", null, Priority.BATCH, EnumSet.of(StageName.AUDIO), T);

        assertThatThrownBy(() -> publisher.publishMove(JobState.QUEUED, job, null, JobEvent.progress(other, null, T)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
