package dev.enrich.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QueueEstimateTest {

    private static final Duration MINUTE = Duration.ofSeconds(60);

    @Test
    void queuedJobStartsAfterOneMeanJobPerRoundOfSlots() {
        assertThat(QueueEstimate.expectedStartSeconds(1, 2, MINUTE)).isEqualTo(60L);
        assertThat(QueueEstimate.expectedStartSeconds(2, 2, MINUTE)).isEqualTo(60L);
        assertThat(QueueEstimate.expectedStartSeconds(3, 2, MINUTE)).isEqualTo(120L);
        assertThat(QueueEstimate.expectedStartSeconds(5, 1, MINUTE)).isEqualTo(300L);
    }

    @Test
    void expectedStartIsRoundedUpToWholeSeconds() {
        assertThat(QueueEstimate.expectedStartSeconds(1, 1, Duration.ofMillis(1_500))).isEqualTo(2L);
    }

    @Test
    void jobAtTheHeadStartsNow() {
        assertThat(QueueEstimate.expectedStartSeconds(0, 4, MINUTE)).isZero();
        assertThat(QueueEstimate.expectedStartSeconds(-3, 4, null)).isZero();
    }

    @Test
    void expectedStartIsUnknownWithoutMeanJobDuration() {
        assertThat(QueueEstimate.expectedStartSeconds(3, 2, null)).isNull();
    }

    @Test
    void rejectsNonPositiveConcurrency() {
        assertThatIllegalArgumentException().isThrownBy(() -> QueueEstimate.expectedStartSeconds(1, 0, MINUTE))
                .withMessage("concurrency must be > 0, but was 0");
    }
}
