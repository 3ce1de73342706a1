package dev.enrich.progress;

import static dev.enrich.pipeline.StageName.AUDIO;
import static dev.enrich.pipeline.StageName.VIDEO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class DurationModelTest {

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
    void rejectsNegativeAverages() {
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationModel.Averages(-1));
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationModel.Averages(Double.NaN));
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationModel.Moments(10, Double.NaN, 100, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> new DurationModel.Averages(1, null, List.of(0.5)))
                .withMessageContaining("9 points");
    }
}
