package dev.enrich.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageState;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutcomeTest {

    @Test
    void allSucceededOrSkippedIsCompleted() {
        Job job = job(Map.of(StageName.AUDIO, StageState.SUCCEEDED, StageName.VIDEO, StageState.SKIPPED));
        assertThat(Outcome.of(job)).isEqualTo(JobState.COMPLETED);
        assertThat(Outcome.message(job)).isEqualTo("Session enriched.");
    }

    @Test
    void failedVideoWithGoodAudioIsPartialAudioOnly() {
        Job job = job(Map.of(StageName.AUDIO, StageState.SUCCEEDED, StageName.VIDEO, StageState.FAILED,
                StageName.SUMMARY, StageState.SUCCEEDED));
        assertThat(Outcome.of(job)).isEqualTo(JobState.PARTIAL);
        assertThat(Outcome.message(job)).isEqualTo("Session partially enriched (audio only)");
    }

    @Test
    void degradedSummaryIsPartialWithBasicSummary() {
        Job job = job(Map.of(StageName.AUDIO, StageState.SUCCEEDED, StageName.SUMMARY, StageState.DEGRADED));
        assertThat(Outcome.of(job)).isEqualTo(JobState.PARTIAL);
        assertThat(Outcome.message(job)).isEqualTo("Session partially enriched (basic summary)");
    }

    @Test
    void nothingUsefulIsFailed() {
        Job job = job(Map.of(StageName.AUDIO, StageState.FAILED, StageName.SUMMARY, StageState.SKIPPED));
        assertThat(Outcome.of(job)).isEqualTo(JobState.FAILED);
        assertThat(Outcome.message(job)).isEqualTo("Couldn't enrich this session.");
    }

    @Test
    void everythingSkippedIsFailedWithAnExplanation() {
        Job job = job(Map.of(StageName.AUDIO, StageState.SKIPPED, StageName.VIDEO, StageState.SKIPPED));
        assertThat(Outcome.of(job)).isEqualTo(JobState.FAILED);
        assertThat(Outcome.message(job)).startsWith("Nothing to enrich");
    }

    private static Job job(Map<StageName, StageState> states) {
        Job job = Job.queued("j", "t", "s", null, Priority.INTERACTIVE, EnumSet.copyOf(states.keySet()),
                Instant.EPOCH);
        for (Map.Entry<StageName, StageState> e : states.entrySet()) {
            job = job.withStage(e.getKey(), s -> s.finished(e.getValue(), null, null, Instant.EPOCH));
        }
        return job;
    }
}
