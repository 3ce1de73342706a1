package dev.enrich.progress;

import static dev.enrich.pipeline.StageName.AUDIO;
import static dev.enrich.pipeline.StageName.CANVAS;
import static dev.enrich.pipeline.StageName.SUMMARY;
import static dev.enrich.pipeline.StageName.VIDEO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import dev.enrich.pipeline.StageName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobProgressTest {

    private static final long S = 1_000;

    private static DurationModel history(Object... stageAndSeconds) {
        DurationModel model = new DurationModel(0.3);
        for (int i = 0; i < stageAndSeconds.length; i += 2) {
            model.record((StageName) stageAndSeconds[i],
                    Duration.ofSeconds((Integer) stageAndSeconds[i + 1]), null);
        }
        return model;
    }

    private static JobProgress job(DurationModel model, StageName... stages) {
        return new JobProgress(EnumSet.of(stages[0], stages), model, (Duration) null);
    }

    @Test
    void etaIsNullWhenNothingKnown() {
        JobProgress job = job(history(), AUDIO);
        assertThat(job.etaSeconds(0)).isNull();

        job.stageStarted(AUDIO, 0);
        assertThat(job.etaSeconds(10 * S)).isNull();
        job.stageProgress(AUDIO, 0.0, 20 * S);
        assertThat(job.etaSeconds(20 * S)).as("zero progress tells nothing").isNull();
    }

    @Test
    void etaIsNullWhileAnyStageIsUnknownUntilItReportsProgress() {
        JobProgress job = job(history(VIDEO, 50), AUDIO, VIDEO);
        job.stageStarted(AUDIO, 0);
        job.stageStarted(VIDEO, 0);
        assertThat(job.etaSeconds(10 * S)).isNull();

        job.stageProgress(AUDIO, 0.25, 10 * S);
        // audio: 10 s * 0.75 / 0.25 = 30 s; video: 50 - 10 = 40 s on the critical path
        assertThat(job.etaSeconds(10 * S)).isEqualTo(40L);
    }

    @Test
    void etaFromHistoryBeforeProgress() {
        JobProgress job = job(history(AUDIO, 100), AUDIO);
        assertThat(job.etaSeconds(0)).as("not started: expected duration").isEqualTo(100L);

        job.stageStarted(AUDIO, 0);
        assertThat(job.etaSeconds(40 * S)).as("started: expected minus elapsed").isEqualTo(60L);
        assertThat(job.etaSeconds(70 * S)).isEqualTo(30L);
    }

    @Test
    void etaFromElapsedOverProgressOnceProgressFlows() {
        JobProgress job = job(history(), AUDIO);
        job.stageStarted(AUDIO, 0);
        assertThat(job.etaSeconds(10 * S)).isNull();

        job.stageProgress(AUDIO, 0.25, 30 * S);
        assertThat(job.etaSeconds(30 * S)).isEqualTo(90L);
        job.stageProgress(AUDIO, 0.75, 90 * S);
        assertThat(job.etaSeconds(90 * S)).isEqualTo(30L);
    }

    @Test
    void etaBlendsHistoryWithElapsedOverProgress() {
        JobProgress job = job(history(AUDIO, 100), AUDIO);
        job.stageStarted(AUDIO, 0);
        job.stageProgress(AUDIO, 0.5, 60 * S);

        // the whole stage: by this run's pace 120 s, by history 100 s, weighted by the cube root of the time share
        // (0.79 at half): 115.9 s, 55.9 s of it left
        assertThat(job.etaSeconds(60 * S)).isEqualTo(56L);
    }

    @Test
    void etaIsNeverZeroWhileWorkRemains() {
        JobProgress overrun = job(history(AUDIO, 10), AUDIO);
        overrun.stageStarted(AUDIO, 0);
        assertThat(overrun.etaSeconds(60 * S)).as("history exceeded, no progress").isEqualTo(1L);

        JobProgress complete = job(history(), AUDIO);
        complete.stageStarted(AUDIO, 0);
        complete.stageProgress(AUDIO, 1.0, 30 * S);
        assertThat(complete.etaSeconds(30 * S)).as("reported 100% but not finished").isEqualTo(1L);
        assertThat(complete.overall()).isLessThan(1.0);

        complete.stageFinished(AUDIO, false, 31 * S);
        assertThat(complete.etaSeconds(31 * S)).isZero();
        assertThat(complete.overall()).isEqualTo(1.0);
    }

    @Test
    void etaAtExactlyHalfwayIsElapsedTimeNotZero() {
        JobProgress single = job(history(), AUDIO);
        single.stageStarted(AUDIO, 0);
        single.stageProgress(AUDIO, 0.5, 60 * S);
        assertThat(single.stage(AUDIO)).isEqualTo(0.5);
        assertThat(single.etaSeconds(60 * S)).isPositive().isCloseTo(60L, within(1L));

        JobProgress parallel = job(history(), AUDIO, VIDEO);
        parallel.stageStarted(AUDIO, 0);
        parallel.stageStarted(VIDEO, 0);
        parallel.stageProgress(AUDIO, 0.5, 60 * S);
        parallel.stageProgress(VIDEO, 0.5, 60 * S);
        assertThat(parallel.overall()).isEqualTo(0.5);
        assertThat(parallel.etaSeconds(60 * S)).isPositive().isCloseTo(60L, within(1L));

        JobProgress sequential = job(history(AUDIO, 60, SUMMARY, 60), AUDIO, SUMMARY);
        sequential.stageStarted(AUDIO, 0);
        sequential.stageFinished(AUDIO, false, 60 * S);
        assertThat(sequential.overall()).isEqualTo(0.5);
        assertThat(sequential.etaSeconds(60 * S)).isPositive().isCloseTo(60L, within(1L));
    }

    @Test
    void parallelStagesCountOnceOnTheCriticalPath() {
        DurationModel model = history(AUDIO, 30, VIDEO, 50, SUMMARY, 10, CANVAS, 5);
        assertThat(job(model, AUDIO, VIDEO, SUMMARY, CANVAS).etaSeconds(0)).isEqualTo(50L + 10 + 5);
        assertThat(job(model, AUDIO, SUMMARY).etaSeconds(0)).isEqualTo(30L + 10);
        assertThat(job(model, VIDEO, CANVAS).etaSeconds(0)).isEqualTo(50L + 5);
        assertThat(job(model, AUDIO, VIDEO).etaSeconds(0)).isEqualTo(50L);

        JobProgress all = job(model, AUDIO, VIDEO, SUMMARY, CANVAS);
        assertThat(all.etaSeconds(0)).isEqualTo(65L);
        all.stageStarted(AUDIO, 0);
        all.stageStarted(VIDEO, 0);
        all.stageFinished(AUDIO, false, 30 * S);
        assertThat(all.etaSeconds(30 * S)).as("video still bounds the path").isEqualTo(35L);
        all.stageFinished(VIDEO, false, 50 * S);
        assertThat(all.etaSeconds(50 * S)).isEqualTo(15L);
    }

    @Test
    void overallProgressWeightsStagesByExpectedDuration() {
        JobProgress job = job(history(AUDIO, 30, SUMMARY, 10), AUDIO, SUMMARY);
        assertThat(job.overall()).isZero();
        job.stageProgress(AUDIO, 0.5, 0);
        assertThat(job.overall()).isEqualTo(0.375);
        job.stageFinished(AUDIO, false, 0);
        assertThat(job.overall()).isEqualTo(0.75);
        job.stageProgress(SUMMARY, 0.5, 0);
        assertThat(job.overall()).isEqualTo(0.875);
        job.stageFinished(SUMMARY, false, 0);
        assertThat(job.overall()).isEqualTo(1.0);
    }

    @Test
    void stagesWithoutHistoryGetEqualWeights() {
        JobProgress none = job(history(), AUDIO, VIDEO);
        none.stageFinished(AUDIO, false, 0);
        assertThat(none.overall()).isEqualTo(0.5);

        // video has no history: it weighs the mean of the known stages, (30 + 10) / 2 = 20
        JobProgress mixed = job(history(AUDIO, 30, SUMMARY, 10), AUDIO, VIDEO, SUMMARY);
        mixed.stageFinished(VIDEO, false, 0);
        assertThat(mixed.overall()).isCloseTo(20.0 / 60, within(1e-9));
    }

    @Test
    void progressNeverGoesBackwards() {
        JobProgress job = job(history(), AUDIO, VIDEO);
        job.stageProgress(VIDEO, -0.5, 0);
        assertThat(job.stage(VIDEO)).isZero();

        job.stageProgress(AUDIO, 0.6, 0);
        double before = job.overall();
        job.stageProgress(AUDIO, 0.4, 1 * S);
        assertThat(job.stage(AUDIO)).isEqualTo(0.6);
        assertThat(job.overall()).isEqualTo(before);

        job.stageProgress(AUDIO, 1.7, 2 * S);
        assertThat(job.stage(AUDIO)).isEqualTo(1.0);
        job.stageFinished(AUDIO, false, 3 * S);
        job.stageProgress(AUDIO, 0.1, 4 * S);
        assertThat(job.stage(AUDIO)).isEqualTo(1.0);

        assertThatIllegalArgumentException().isThrownBy(() -> job.stageProgress(VIDEO, Double.NaN, 5 * S));
    }

    @Test
    void etaIsSmoothedAgainstNoisyProgress() {
        // the stage really takes 100 s; reported progress jitters around the truth by up to 15%
        double[] jitter = {1.15, 0.9, 1.0, 0.85, 1.1};
        JobProgress job = job(history(), AUDIO);
        job.stageStarted(AUDIO, 0);
        List<Double> raw = new ArrayList<>();
        List<Long> eta = new ArrayList<>();
        for (int t = 10; t <= 80; t++) {
            job.stageProgress(AUDIO, t / 100.0 * jitter[t % jitter.length], t * S);
            raw.add(job.rawRemainingSeconds(t * S));
            eta.add(job.etaSeconds(t * S));
        }

        double rawSwing = 0;
        long etaSwing = 0;
        for (int i = 1; i < eta.size(); i++) {
            // one second passes per reading, so a steady countdown changes by -1
            rawSwing = Math.max(rawSwing, Math.abs(raw.get(i) - raw.get(i - 1) + 1));
            etaSwing = Math.max(etaSwing, Math.abs(eta.get(i) - eta.get(i - 1) + 1));
        }
        assertThat(rawSwing).as("the raw estimate jumps").isGreaterThan(10);
        assertThat(etaSwing).as("the smoothed estimate does not").isLessThanOrEqualTo(3);
        for (int i = 20; i < eta.size(); i++) {
            long trueRemaining = 100 - (10 + i);
            assertThat(eta.get(i)).isCloseTo(trueRemaining, within(15L));
        }
    }

    @Test
    void etaCountsDownWhileProgressBrieflyStallsAndGrowsWhenItStallsLong() {
        JobProgress job = job(history(), AUDIO);
        job.stageStarted(AUDIO, 0);
        job.stageProgress(AUDIO, 0.5, 60 * S);
        assertThat(job.etaSeconds(60 * S)).isEqualTo(60L);

        long last = 60;
        for (int t = 61; t <= 65; t++) {
            long eta = job.etaSeconds(t * S);
            assertThat(eta).isLessThanOrEqualTo(last);
            last = eta;
        }
        assertThat(last).isLessThan(60L);

        for (int t = 66; t <= 200; t++) {
            last = job.etaSeconds(t * S);
        }
        assertThat(last).as("a long stall means the job is slower than it looked").isGreaterThan(100L);
    }

    @Test
    void finishingWithLearnRecordsMeasuredDurationIntoTheModel() {
        DurationModel model = history();
        JobProgress job = new JobProgress(EnumSet.of(AUDIO, VIDEO), model, Duration.ofSeconds(60));
        job.stageStarted(AUDIO, 1 * S);
        job.stageFinished(AUDIO, true, 31 * S);
        job.stageStarted(VIDEO, 1 * S);
        job.stageFinished(VIDEO, false, 31 * S);

        assertThat(model.expected(AUDIO, null)).contains(Duration.ofSeconds(30));
        assertThat(model.expected(AUDIO, Duration.ofSeconds(120))).contains(Duration.ofSeconds(60));
        assertThat(model.expected(VIDEO, null)).as("learn=false records nothing").isEmpty();
    }

    @Test
    void aLongRecordingGetsAProportionallyLongerEtaOnceLearned() {
        DurationModel model = new DurationModel(0.3);
        // audio: 1 s + 0.1 s per media-second; learned from two lengths, as the jobs came
        for (int i = 0; i < 6; i++) {
            long media = i % 2 == 0 ? 30 : 120;
            finishAfter(model, AUDIO, Duration.ofSeconds(media), (1_000 + 100 * media) * S / 1_000);
        }

        long tenMinutes = new JobProgress(EnumSet.of(AUDIO), model, Duration.ofSeconds(600)).etaSeconds(0);
        long halfMinute = new JobProgress(EnumSet.of(AUDIO), model, Duration.ofSeconds(30)).etaSeconds(0);
        assertThat(tenMinutes).isEqualTo(61L);
        assertThat(halfMinute).isEqualTo(4L);
        assertThat(new JobProgress(EnumSet.of(AUDIO), model, (Duration) null).etaSeconds(0))
                .as("length unknown: the average of what was seen").isBetween(halfMinute, tenMinutes);
    }

    @Test
    void aStageThatReportedAllItsProgressAddsNoFloorSecond() {
        JobProgress job = job(history(AUDIO, 5, SUMMARY, 1), AUDIO, SUMMARY);
        job.stageStarted(AUDIO, 0);
        assertThat(job.etaSeconds(0)).isEqualTo(6L);

        job.stageProgress(AUDIO, 1.0, 5 * S);
        assertThat(job.etaSeconds(5 * S)).as("only the summary is left").isEqualTo(1L);
    }

    @Test
    void aStagesEndIsNotHeldBackBySmoothing() {
        JobProgress job = job(history(AUDIO, 10, SUMMARY, 5), AUDIO, SUMMARY);
        job.stageStarted(AUDIO, 0);
        for (int tenth = 0; tenth <= 30; tenth++) {
            job.stageProgress(AUDIO, tenth / 100.0, tenth * 100L);
            assertThat(job.etaSeconds(tenth * 100L)).isBetween(12L, 15L);
        }
        job.stageFinished(AUDIO, false, 3_000);

        assertThat(job.etaSeconds(3_001)).as("the audio ended early: the summary's 5 s are left").isEqualTo(5L);
    }

    @Test
    void aStageLearnedPerInputIsExpectedToTakeWhatItTookOnThatInput() {
        DurationModel model = new DurationModel(1.0);
        Duration twoMinutes = Duration.ofSeconds(120);
        java.util.Map<StageName, Duration> lengths = java.util.Map.of(SUMMARY, twoMinutes);
        // the summary of a two-minute transcript takes 8 s, of a two-minute video's chapters 2 s
        for (String input : List.of("audio", "video")) {
            JobProgress job = new JobProgress(EnumSet.of(SUMMARY), model, lengths, java.util.Map.of(SUMMARY, input));
            job.stageStarted(SUMMARY, 0);
            job.stageFinished(SUMMARY, true, (input.equals("audio") ? 8 : 2) * S);
        }

        assertThat(new JobProgress(EnumSet.of(SUMMARY), model, lengths, java.util.Map.of(SUMMARY, "audio"))
                .etaSeconds(0)).isEqualTo(8L);
        assertThat(new JobProgress(EnumSet.of(SUMMARY), model, lengths, java.util.Map.of(SUMMARY, "video"))
                .etaSeconds(0)).isEqualTo(2L);
        assertThat(new JobProgress(EnumSet.of(SUMMARY), model, lengths).etaSeconds(0))
                .as("input unknown: the stage's latest").isEqualTo(2L);
    }

    @Test
    void eachStageIsScaledByTheLengthOfTheMediaItWorksOn() {
        DurationModel model = new DurationModel(1.0);
        finishAfter(model, AUDIO, Duration.ofSeconds(100), 10 * S);
        finishAfter(model, VIDEO, Duration.ofSeconds(100), 50 * S);

        JobProgress job = new JobProgress(EnumSet.of(AUDIO, VIDEO), model,
                java.util.Map.of(AUDIO, Duration.ofSeconds(600), VIDEO, Duration.ofSeconds(60)));

        assertThat(job.etaSeconds(0)).as("audio 60 s, video 30 s, in parallel").isEqualTo(60L);
    }

    @Test
    void aStageFastAtFirstAndSlowAtTheEndIsNotTakenForNearlyDone() {
        DurationModel model = new DurationModel(1.0);
        // local analysis to 70% in 1 s, then a 9 s call with no progress until it answers
        JobProgress learned = new JobProgress(EnumSet.of(AUDIO), model, (Duration) null);
        learned.stageStarted(AUDIO, 0);
        learned.stageProgress(AUDIO, 0.7, 1 * S);
        learned.stageFinished(AUDIO, true, 10 * S);

        JobProgress job = new JobProgress(EnumSet.of(AUDIO), model, (Duration) null);
        job.stageStarted(AUDIO, 0);
        job.stageProgress(AUDIO, 0.7, 1 * S);
        assertThat(job.etaSeconds(1 * S)).isEqualTo(9L);
        assertThat(job.rawRemainingSeconds(5 * S)).isCloseTo(5.0, within(1e-9));
    }

    private static void finishAfter(DurationModel model, StageName stage, Duration media, long millis) {
        JobProgress job = new JobProgress(EnumSet.of(stage), model, media);
        job.stageStarted(stage, 0);
        job.stageFinished(stage, true, millis);
    }

    @Test
    void rejectsEmptyJobsAndStagesOutsideTheJob() {
        assertThatIllegalArgumentException().isThrownBy(() -> new JobProgress(Set.of(), history(), (Duration) null))
                .withMessage("stages must not be empty");
        JobProgress job = job(history(), AUDIO);
        assertThatIllegalArgumentException().isThrownBy(() -> job.stageStarted(VIDEO, 0))
                .withMessageContaining("video");
        assertThatIllegalArgumentException().isThrownBy(() -> job.stage(CANVAS));
    }
}
