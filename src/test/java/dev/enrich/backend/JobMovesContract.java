package dev.enrich.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.events.EventLog;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.events.JobMoves;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.testing.Outputs;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link JobMoves} does, over the job repository and event log of its backend. */
public abstract class JobMovesContract {

    protected static final Duration WAIT = Duration.ofSeconds(10);
    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

    /** Set by each backend's test before each test: its job repository and event log (empty, one store), its moves. */
    protected JobRepository jobs;
    protected EventLog log;
    protected JobMoves moves;

    protected static Job queued() {
        return Job.queued("j1", "t1", "s1", "b1", Priority.BATCH, EnumSet.of(StageName.AUDIO, StageName.SUMMARY), T);
    }

    private Optional<JobEvent> move(JobState from, Job next, StageResult checkpoint, JobEvent event) {
        return moves.move(from, next, checkpoint, "job:j1", List.of("batch:b1", "user:t1"), event).block(WAIT);
    }

    @Test
    void aJobInTheStateMovesAndItsEventIsNumberedInEachStream() {
        jobs.save(queued()).block(WAIT);
        log.append("user:t1", JobEvent.ended(queued().withState(JobState.FAILED, "x", T), T)).block(WAIT);
        Job running = queued().withState(JobState.RUNNING, "Starting...", T.plusSeconds(1));

        Optional<JobEvent> stored = move(JobState.QUEUED, running, null, JobEvent.progress(running, null, T));

        assertThat(stored).get().extracting(JobEvent::seq, JobEvent::jobSeq, JobEvent::type)
                .containsExactly(1L, 1L, EventType.PROGRESS);
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(running);
        assertThat(log.last("batch:b1").block(WAIT)).extracting(JobEvent::seq, JobEvent::jobSeq, JobEvent::jobId)
                .containsExactly(1L, 1L, "j1");
        assertThat(log.last("user:t1").block(WAIT)).extracting(JobEvent::seq, JobEvent::jobSeq, JobEvent::jobId)
                .containsExactly(2L, 1L, "j1");

        Job stage = running.withStage(StageName.AUDIO, s -> s.running(T.plusSeconds(2), "Listening..."));
        assertThat(move(JobState.RUNNING, stage, null, JobEvent.stage(stage, StageName.AUDIO, T)))
                .get().extracting(JobEvent::seq, JobEvent::jobSeq).containsExactly(2L, 2L);
        assertThat(log.lastSeq("job:j1").block(WAIT)).isEqualTo(2);
    }

    @Test
    void aRunWhoseEntryAnotherReplicaTookOverMovesNothingAndAppendsNothing() {
        Job first = queued().deliveredAs(1).withState(JobState.RUNNING, "Starting...", T);
        Job second = first.deliveredAs(2).withProgress(0, null, "Resuming...");
        jobs.save(second).block(WAIT);
        StageResult audio = StageResult.succeeded(StageName.AUDIO, Outputs.of(StageName.AUDIO));
        Job failed = first.withState(JobState.FAILED, "Something went wrong.", T.plusSeconds(1));

        assertThat(move(JobState.RUNNING, failed, audio, JobEvent.ended(failed, T))).isEmpty();
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(second);
        assertThat(log.lastSeq("job:j1").block(WAIT)).as("nothing appended").isZero();
        assertThat(jobs.results("j1").block(WAIT)).as("a result where there was none is kept for a later retry")
                .isEqualTo(Map.of(StageName.AUDIO, audio));

        // It never replaces a result of the run that holds the job (its own stage may have failed for the pause).
        StageResult summary = StageResult.succeeded(StageName.SUMMARY, Outputs.of(StageName.SUMMARY));
        Job done = second.withState(JobState.COMPLETED, "Done.", T.plusSeconds(2));
        assertThat(move(JobState.RUNNING, done, summary, JobEvent.ended(done, T))).isPresent();
        StageResult failedSummary = StageResult.failed(StageName.SUMMARY, "Couldn't write the summary.");
        assertThat(move(JobState.RUNNING, failed, failedSummary, JobEvent.ended(failed, T))).isEmpty();
        assertThat(jobs.results("j1").block(WAIT)).isEqualTo(Map.of(StageName.AUDIO, audio,
                StageName.SUMMARY, summary));
    }

    @Test
    void aCheckpointIsKeptWithTheMoveAndEvenWhenTheJobIsNotInTheState() {
        Job running = queued().withState(JobState.RUNNING, "Starting...", T);
        jobs.save(running).block(WAIT);
        StageResult audio = StageResult.succeeded(StageName.AUDIO, Outputs.of(StageName.AUDIO));
        StageResult summary = StageResult.succeeded(StageName.SUMMARY, Outputs.of(StageName.SUMMARY));
        Job done = running.withState(JobState.COMPLETED, "Done.", T.plusSeconds(1));

        assertThat(move(JobState.QUEUED, done, audio, JobEvent.ended(done, T))).as("not in the state").isEmpty();
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(running);
        assertThat(log.lastSeq("job:j1").block(WAIT)).as("nothing appended").isZero();
        assertThat(log.lastSeq("user:t1").block(WAIT)).isZero();
        assertThat(jobs.results("j1").block(WAIT)).isEqualTo(Map.of(StageName.AUDIO, audio));

        assertThat(move(JobState.RUNNING, done, summary, JobEvent.ended(done, T))).get()
                .extracting(JobEvent::seq, JobEvent::type).containsExactly(1L, EventType.COMPLETED);
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(done);
        assertThat(jobs.results("j1").block(WAIT)).isEqualTo(Map.of(StageName.AUDIO, audio,
                StageName.SUMMARY, summary));
        assertThat(log.last("job:j1").block(WAIT).type()).isEqualTo(EventType.COMPLETED);
    }

    /** Three moves of a running job: audio started, audio done (checkpointed), summary done (checkpointed). */
    protected static List<JobMoves.Step> threeSteps(Job running, StageResult audio, StageResult summary) {
        Job started = running.withStage(StageName.AUDIO, s -> s.running(T.plusSeconds(1), "Listening..."));
        Job audioDone = started.withStage(StageName.AUDIO, s -> s.finished(audio.state(), "Done.", null,
                T.plusSeconds(2)));
        Job summaryDone = audioDone.withStage(StageName.SUMMARY, s -> s.finished(summary.state(), "Done.", null,
                T.plusSeconds(3)));
        return List.of(new JobMoves.Step(started, null, JobEvent.stage(started, StageName.AUDIO, T)),
                new JobMoves.Step(audioDone, audio, JobEvent.stage(audioDone, StageName.AUDIO, T)),
                new JobMoves.Step(summaryDone, summary, JobEvent.stage(summaryDone, StageName.SUMMARY, T)));
    }

    protected static final StageResult AUDIO_DONE = StageResult.succeeded(StageName.AUDIO,
            Outputs.of(StageName.AUDIO));
    protected static final StageResult SUMMARY_DONE = StageResult.succeeded(StageName.SUMMARY,
            Outputs.of(StageName.SUMMARY));

    protected static Job running() {
        return queued().withState(JobState.RUNNING, "Starting...", T);
    }

    @Test
    void consecutiveMovesLeaveTheJobAsTheLastOneWithEveryCheckpointAndEveryEventInOrder() {
        jobs.save(running()).block(WAIT);
        StageResult audio = AUDIO_DONE;
        StageResult summary = SUMMARY_DONE;
        List<JobMoves.Step> steps = threeSteps(running(), audio, summary);

        List<JobEvent> stored = moves.moveAll(JobState.RUNNING, steps, "job:j1", List.of("batch:b1", "user:t1"))
                .block(WAIT);

        assertThat(stored).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L);
        assertThat(stored).extracting(JobEvent::jobSeq).containsExactly(1L, 2L, 3L);
        assertThat(stored).extracting(JobEvent::stage).containsExactly("audio", "audio", "summary");
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(steps.get(2).next());
        assertThat(jobs.results("j1").block(WAIT)).isEqualTo(Map.of(StageName.AUDIO, audio,
                StageName.SUMMARY, summary));
        assertThat(log.lastSeq("job:j1").block(WAIT)).isEqualTo(3);
        assertThat(log.last("batch:b1").block(WAIT)).extracting(JobEvent::seq, JobEvent::jobSeq)
                .containsExactly(3L, 3L);
        assertThat(log.last("user:t1").block(WAIT)).extracting(JobEvent::seq, JobEvent::jobSeq, JobEvent::stage)
                .containsExactly(3L, 3L, "summary");
    }

    @Test
    void consecutiveMovesOfAJobNotInTheStateMoveNothingAndAppendNothing() {
        Job cancelled = running().withState(JobState.CANCELLED, "Cancelled.", T.plusSeconds(1));
        jobs.save(cancelled).block(WAIT);
        StageResult audio = AUDIO_DONE;
        StageResult summary = SUMMARY_DONE;

        assertThat(moves.moveAll(JobState.RUNNING, threeSteps(running(), audio, summary), "job:j1",
                List.of("batch:b1", "user:t1")).block(WAIT)).isEmpty();
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(cancelled);
        assertThat(log.lastSeq("job:j1").block(WAIT)).isZero();
        assertThat(log.lastSeq("user:t1").block(WAIT)).isZero();
        assertThat(jobs.results("j1").block(WAIT)).as("every checkpoint kept for a later retry")
                .isEqualTo(Map.of(StageName.AUDIO, audio, StageName.SUMMARY, summary));
    }

    @Test
    void aMoveToARetryMovesAndAppendsAsAMoveDoes() {
        Job running = queued().withState(JobState.RUNNING, "Starting...", T);
        jobs.save(running).block(WAIT);
        Job retried = running.withState(JobState.FAILED, "Failed.", T.plusSeconds(1)).retried(T.plusSeconds(1));
        JobEvent event = JobEvent.progress(retried, null, T);

        assertThat(moves.moveToRetry(JobState.QUEUED, retried, "job:j1", List.of("user:t1"), event,
                Duration.ofMinutes(1), T, 0).block(WAIT)).as("not in the state").isEmpty();
        assertThat(moves.moveToRetry(JobState.RUNNING, retried, "job:j1", List.of("user:t1"), event,
                Duration.ofMinutes(1), T, 0).block(WAIT)).get().extracting(JobEvent::seq).isEqualTo(1L);
        assertThat(jobs.findById("j1").block(WAIT)).isEqualTo(retried);
        assertThat(log.lastSeq("user:t1").block(WAIT)).isEqualTo(1);
    }

    @Test
    void anUnknownJobDoesNotMoveAndKeepsNoCheckpoint() {
        Job running = queued().withState(JobState.RUNNING, "Starting...", T);
        StageResult audio = StageResult.succeeded(StageName.AUDIO, Outputs.of(StageName.AUDIO));

        assertThat(move(JobState.QUEUED, running, audio, JobEvent.progress(running, null, T))).isEmpty();
        assertThat(jobs.findById("j1").blockOptional(WAIT)).isEmpty();
        assertThat(jobs.results("j1").block(WAIT)).isEmpty();
        assertThat(log.lastSeq("job:j1").block(WAIT)).isZero();
    }
}
