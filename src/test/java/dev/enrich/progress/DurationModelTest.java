package dev.enrich.progress;

import static dev.enrich.pipeline.StageName.AUDIO;
import static dev.enrich.pipeline.StageName.CANVAS;
import static dev.enrich.pipeline.StageName.SUMMARY;
import static dev.enrich.pipeline.StageName.VIDEO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class DurationModelTest {

    @Test
    void stagesEndingAtOnceOnEventLoopThreadsAreAllHandedToTheSubscriberWithoutWaiting() {
        DurationModel model = new DurationModel(0.5);
        AtomicInteger seen = new AtomicInteger();
        Disposable following = model.recorded().subscribe(o -> seen.incrementAndGet());
        int threads = 4;
        int each = 2_000;
        // Non-blocking threads (BlockHound runs in the tests): a spin while another thread emits would be refused.
        Flux.range(0, threads)
                .flatMap(t -> Mono.fromRunnable(() -> {
                    for (int i = 0; i < each; i++) {
                        model.record(AUDIO, Duration.ofMillis(10 + i % 7), null);
                    }
                }).subscribeOn(Schedulers.parallel()), threads)
                .blockLast(Duration.ofMinutes(1));
        following.dispose();

        // Each record learns its key and the broader ones: every observation of every thread arrives.
        assertThat(seen.get()).isEqualTo(threads * each * (1 + DurationKey.of(AUDIO).fallbacks().size()));
    }

    @Test
    void learnsStageDurationWithEwma() {
        DurationModel model = new DurationModel(0.5);
        assertThat(model.expected(AUDIO, null)).isEmpty();

        model.record(AUDIO, Duration.ofSeconds(10), null);
        assertThat(model.expected(AUDIO, null)).contains(Duration.ofSeconds(10));
        model.record(AUDIO, Duration.ofSeconds(20), null);
        assertThat(model.expected(AUDIO, null)).contains(Duration.ofSeconds(15));
        model.record(AUDIO, Duration.ofSeconds(30), null);
        assertThat(model.expected(AUDIO, null)).contains(Duration.ofMillis(22_500));

        assertThat(model.expected(VIDEO, null)).as("stage kinds are learned separately").isEmpty();
    }

    @Test
    void scalesExpectedDurationByMediaLength() {
        DurationModel model = new DurationModel(1.0);
        model.record(AUDIO, Duration.ofSeconds(30), Duration.ofSeconds(60));

        assertThat(model.expected(AUDIO, Duration.ofSeconds(120))).contains(Duration.ofSeconds(60));
        assertThat(model.expected(AUDIO, null)).as("absolute average without media length")
                .contains(Duration.ofSeconds(30));

        // an observation without media length moves only the absolute average
        model.record(AUDIO, Duration.ofSeconds(50), null);
        assertThat(model.expected(AUDIO, Duration.ofSeconds(120))).contains(Duration.ofSeconds(60));
        assertThat(model.expected(AUDIO, null)).contains(Duration.ofSeconds(50));
    }

    @Test
    void learnsAFixedPartAndAPerMediaSecondPartFromMixedLengths() {
        DurationModel model = new DurationModel(0.3);
        // a stage that costs 2 s plus 0.05 s per media-second, seen on 30 s and 600 s recordings in turn
        for (int i = 0; i < 10; i++) {
            long media = i % 2 == 0 ? 30 : 600;
            model.record(AUDIO, Duration.ofMillis(2_000 + 50 * media), Duration.ofSeconds(media));
        }

        assertThat(model.expected(AUDIO, Duration.ofSeconds(120))).hasValueSatisfying(d ->
                assertThat(d.toMillis()).isCloseTo(8_000, within(10L)));
        assertThat(model.expected(AUDIO, Duration.ofSeconds(3_600))).hasValueSatisfying(d ->
                assertThat(d.toMillis()).isCloseTo(182_000, within(100L)));
        assertThat(model.expected(AUDIO, Duration.ofSeconds(1))).as("the fixed part is not scaled away")
                .hasValueSatisfying(d -> assertThat(d.toMillis()).isCloseTo(2_050, within(10L)));
    }

    @Test
    void longerMediaThatTookLessTimeIsNotExtrapolated() {
        DurationModel model = new DurationModel(0.5);
        model.record(AUDIO, Duration.ofSeconds(10), Duration.ofSeconds(30));
        model.record(AUDIO, Duration.ofSeconds(6), Duration.ofSeconds(600));

        assertThat(model.expected(AUDIO, Duration.ofSeconds(3_600))).as("the weighted mean")
                .contains(Duration.ofSeconds(8));
    }

    @Test
    void learnsHowAStagesTimeIsSpreadOverItsProgress() {
        DurationModel model = new DurationModel(1.0);
        assertThat(model.timeShare(AUDIO, 0.7)).as("even in time until learned").isEqualTo(0.7);

        // 70% of the progress in the first 10% of the time, the rest at the end
        model.record(AUDIO, Duration.ofSeconds(10), null, List.of(0.01, 0.03, 0.04, 0.06, 0.07, 0.09, 0.1, 1.0, 1.0));

        assertThat(model.timeShare(AUDIO, 0.7)).isCloseTo(0.1, within(1e-9));
        assertThat(model.timeShare(AUDIO, 0.75)).isCloseTo(0.55, within(1e-9));
        assertThat(model.timeShare(AUDIO, 0)).isZero();
        assertThat(model.timeShare(AUDIO, 1)).isEqualTo(1.0);
        assertThat(model.timeShare(VIDEO, 0.3)).isEqualTo(0.3);
    }

    @Test
    void eachAverageIsBlendedWhereBothHaveItAndKeptWhereOnlyOneHasIt() {
        DurationModel model = new DurationModel(0.5);
        model.record(AUDIO, Duration.ofSeconds(10), null, List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9));
        model.record(AUDIO, Duration.ofSeconds(20), Duration.ofSeconds(40), List.of());

        DurationModel.Averages once = model.averages(AUDIO).orElseThrow();
        assertThat(once.seconds()).isEqualTo(15);
        assertThat(once.profile()).as("kept: only the old one had it")
                .containsExactly(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9);
        assertThat(once.media()).as("taken: only the new one had it")
                .isEqualTo(new DurationModel.Moments(40, 20, 1600, 800));

        model.record(AUDIO, Duration.ofSeconds(30), Duration.ofSeconds(20),
                List.of(0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0));
        DurationModel.Averages twice = model.averages(AUDIO).orElseThrow();
        assertThat(twice.seconds()).isEqualTo(22.5);
        assertThat(twice.media()).isEqualTo(new DurationModel.Moments(30, 25, 1000, 700));
        List<Double> expected = List.of(0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(twice.profile().get(i)).as("p%d", i + 1).isCloseTo(expected.get(i), within(1e-12));
        }
    }

    @Test
    void averagesRoundTripThroughTheirFlatFields() {
        DurationModel model = new DurationModel(0.5);
        model.record(AUDIO, Duration.ofSeconds(10), Duration.ofSeconds(20),
                List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9));
        DurationModel.Averages learned = model.averages(AUDIO).orElseThrow();

        assertThat(learned.fields()).containsKeys("s", "x", "y", "xx", "xy", "p1", "p9");
        assertThat(DurationModel.Averages.of(learned.fields())).isEqualTo(learned);
        assertThat(DurationModel.Averages.of(java.util.Map.of("s", 3.0))).isEqualTo(new DurationModel.Averages(3));
    }

    @Test
    void fallsBackToAbsoluteDurationWhenNoRateWasLearned() {
        DurationModel model = new DurationModel(1.0);
        model.record(AUDIO, Duration.ofSeconds(40), null);
        model.record(VIDEO, Duration.ofSeconds(40), Duration.ZERO);

        assertThat(model.expected(AUDIO, Duration.ofSeconds(600))).contains(Duration.ofSeconds(40));
        assertThat(model.expected(VIDEO, Duration.ofSeconds(600))).contains(Duration.ofSeconds(40));
    }

    @Test
    void rejectsAlphaOutsideZeroToOne() {
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationModel(1.5))
                .withMessage("alpha must be in (0, 1], but was 1.5");
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationModel(0));
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationModel(-0.1));
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationModel(Double.NaN));
        new DurationModel(1.0);
    }

    @Test
    void rejectsNegativeDuration() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DurationModel(0.5).record(AUDIO, Duration.ofSeconds(-1), null))
                .withMessageContaining("took must not be negative");
    }

    @Test
    void emitsEachRecordedObservationToItsFollowers() {
        DurationModel model = new DurationModel(0.5);
        model.record(AUDIO, Duration.ofSeconds(1), null); // before anyone follows: not replayed

        StepVerifier.create(model.recorded())
                .then(() -> model.record(AUDIO, Duration.ofSeconds(10), Duration.ofSeconds(20)))
                .expectNext(new DurationModel.Observation(AUDIO, new DurationModel.Averages(10,
                        new DurationModel.Moments(20, 10, 400, 200), List.of())))
                .then(() -> model.record(VIDEO, Duration.ofSeconds(4), null))
                .expectNext(new DurationModel.Observation(VIDEO, new DurationModel.Averages(4)))
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        assertThat(model.expected(AUDIO, null)).as("still learned here").contains(Duration.ofMillis(5_500));
    }

    @Test
    void adoptedAveragesReplaceTheLearnedOnes() {
        DurationModel model = new DurationModel(0.5);
        model.record(AUDIO, Duration.ofSeconds(10), null);

        DurationModel.Averages fleet = new DurationModel.Averages(30, new DurationModel.Moments(10, 20, 100, 200),
                List.of());
        model.adopt(AUDIO, fleet);

        assertThat(model.averages(AUDIO)).contains(fleet);
        assertThat(model.expected(AUDIO, Duration.ofSeconds(5))).contains(Duration.ofSeconds(10));
        model.record(AUDIO, Duration.ofSeconds(50), null);
        assertThat(model.expected(AUDIO, null)).as("later observations move the adopted average")
                .contains(Duration.ofSeconds(40));
    }

    @Test
    void learnsAStagePerInputAndFallsBackToTheStageUntilAnInputIsSeen() {
        DurationModel model = new DurationModel(1.0);
        DurationKey afterAudio = new DurationKey(SUMMARY, "audio");
        DurationKey afterVideo = new DurationKey(SUMMARY, "video");
        // a summary of a transcript takes 3 s per media minute, one of a video's chapters 1 s whatever the length
        model.record(afterAudio, Duration.ofSeconds(6), Duration.ofSeconds(120), List.of());

        assertThat(model.expected(afterVideo, Duration.ofSeconds(120))).as("video never seen: the stage's")
                .contains(Duration.ofSeconds(6));
        model.record(afterVideo, Duration.ofSeconds(1), Duration.ofSeconds(120), List.of());

        assertThat(model.expected(afterAudio, Duration.ofSeconds(120))).contains(Duration.ofSeconds(6));
        assertThat(model.expected(afterVideo, Duration.ofSeconds(120))).contains(Duration.ofSeconds(1));
        assertThat(model.expected(SUMMARY, Duration.ofSeconds(120))).as("the stage learns from every input")
                .contains(Duration.ofSeconds(1));
        assertThat(model.averages(new DurationKey(SUMMARY, "audio+video"))).as("no averages of its own").isEmpty();
    }

    @Test
    void timeProfilesArePerInputToo() {
        DurationModel model = new DurationModel(1.0);
        DurationKey afterAudio = new DurationKey(SUMMARY, "audio");
        model.record(afterAudio, Duration.ofSeconds(10), null,
                List.of(0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.9));

        assertThat(model.timeShare(afterAudio, 0.5)).isEqualTo(0.5);
        assertThat(model.timeShare(new DurationKey(SUMMARY, "video"), 0.1)).as("falls back to the stage's")
                .isEqualTo(0.5);
        assertThat(model.timeShare(new DurationKey(CANVAS, "audio"), 0.1)).as("nothing learned: even")
                .isEqualTo(0.1, within(1e-9));
    }

    @Test
    void aKeyedObservationIsEmittedForItsInputAndForItsStage() {
        DurationModel model = new DurationModel(0.5);
        DurationKey afterVideo = new DurationKey(CANVAS, "video");

        StepVerifier.create(model.recorded())
                .then(() -> model.record(afterVideo, Duration.ofSeconds(2), null, List.of()))
                .expectNext(new DurationModel.Observation(afterVideo, new DurationModel.Averages(2)))
                .expectNext(new DurationModel.Observation(CANVAS, new DurationModel.Averages(2)))
                .thenCancel()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void aLengthClassLearnsItsOwnProfileAndTeachesItsInputAndStage() {
        DurationModel model = new DurationModel(1.0);
        DurationKey shortClip = new DurationKey(VIDEO, "", DurationKey.lengthClass(Duration.ofSeconds(30)));
        DurationKey longClip = new DurationKey(VIDEO, "", DurationKey.lengthClass(Duration.ofSeconds(600)));
        // a 30 s clip spends half its time on a call after 90% of its progress, a 10 min clip almost none
        model.record(shortClip, Duration.ofSeconds(2), Duration.ofSeconds(30),
                List.of(0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5));
        assertThat(model.timeShare(longClip, 0.9)).as("unseen class: the stage's").isEqualTo(0.5);
        model.record(longClip, Duration.ofSeconds(25), Duration.ofSeconds(600),
                List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.97));

        assertThat(model.timeShare(shortClip, 0.9)).isEqualTo(0.5);
        assertThat(model.timeShare(longClip, 0.9)).isEqualTo(0.97);
        assertThat(model.averages(VIDEO)).as("the stage learned both").hasValueSatisfying(a ->
                assertThat(a.profile().get(8)).isEqualTo(0.97));
        assertThat(model.expected(VIDEO, Duration.ofSeconds(300))).as("the stage's latest, in proportion")
                .hasValueSatisfying(d -> assertThat(d.toMillis()).isEqualTo(12_500));
    }

    @Test
    void lengthClassesDoubleInLength() {
        assertThat(DurationKey.lengthClass(null)).isEqualTo(DurationKey.ANY_LENGTH);
        assertThat(DurationKey.lengthClass(Duration.ZERO)).isEqualTo(DurationKey.ANY_LENGTH);
        assertThat(DurationKey.lengthClass(Duration.ofMillis(500))).isZero();
        assertThat(DurationKey.lengthClass(Duration.ofSeconds(30))).isEqualTo(4);
        assertThat(DurationKey.lengthClass(Duration.ofSeconds(32))).isEqualTo(5);
        assertThat(DurationKey.lengthClass(Duration.ofSeconds(600))).isEqualTo(9);
        assertThat(DurationKey.lengthClass(Duration.ofDays(365 * 100))).isEqualTo(30);
        assertThat(new DurationKey(SUMMARY, "audio", 9).fallbacks())
                .containsExactly(new DurationKey(SUMMARY, "audio"), DurationKey.of(SUMMARY));
        assertThat(new DurationKey(VIDEO, "", 4).fallbacks()).containsExactly(DurationKey.of(VIDEO));
        assertThat(DurationKey.of(VIDEO).fallbacks()).isEmpty();
    }

    @Test
    void durationKeysReadBackTheirIds() {
        assertThat(DurationKey.parse("summary/audio@9")).contains(new DurationKey(SUMMARY, "audio", 9));
        assertThat(DurationKey.parse("video@4")).contains(new DurationKey(VIDEO, "", 4));
        assertThat(new DurationKey(VIDEO, "", 4).id()).isEqualTo("video@4");
        assertThat(DurationKey.parse("video@31")).isEmpty();
        assertThat(DurationKey.parse("video@")).isEmpty();
        assertThat(DurationKey.parse("summary/audio+video")).contains(new DurationKey(SUMMARY, "audio+video"));
        assertThat(DurationKey.parse("canvas")).contains(DurationKey.of(CANVAS));
        assertThat(new DurationKey(SUMMARY, "audio").id()).isEqualTo("summary/audio");
        assertThat(DurationKey.parse("summary/")).isEmpty();
        assertThat(DurationKey.parse("summary/Audio")).isEmpty();
        assertThat(DurationKey.parse("nope/audio")).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationKey(SUMMARY, "a:b"));
    }

    @Test
    void fieldNamesListEveryFieldAnAverageGives() {
        DurationModel.Averages full = new DurationModel.Averages(10, new DurationModel.Moments(20, 10, 400, 200),
                List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9));
        assertThat(List.copyOf(full.fields().keySet())).isEqualTo(DurationModel.Averages.FIELD_NAMES);
        assertThat(DurationModel.Averages.of(full.fields())).isEqualTo(full);
    }

    @Test
    void rejectsNegativeAverages() {
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationModel.Averages(-1));
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationModel.Averages(Double.NaN));
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationModel.Moments(10, Double.NaN, 100, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationModel.Averages(1, null, List.of(0.5)))
                .withMessageContaining("9 points");
    }
}
