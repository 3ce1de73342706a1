package dev.enrich.stage.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.model.TimeSpan;
import org.junit.jupiter.api.Test;

/** Check that the timeline and the segment list stay within their caps and say so. */
class BoundedCollectorsTest {

    @Test
    void loudnessTimelineWidensItsBinsInsteadOfGrowing() {
        LoudnessTimeline timeline = new LoudnessTimeline(4, 10, -1);
        for (int second = 0; second < 10; second++) {
            double amplitude = second < 4 ? 0.1 : 0.01;
            for (int i = 0; i < 10; i++) {
                timeline.add(amplitude * amplitude, 1, 1);
            }
        }

        assertThat(timeline.stepSeconds()).isEqualTo(4);
        assertThat(timeline.points()).containsExactly(-20.0, -40.0, -40.0);
    }

    @Test
    void loudnessTimelinePicksItsBinWidthFromTheDeclaredLength() {
        LoudnessTimeline timeline = new LoudnessTimeline(3_600, 16_000, 16_000L * 7_250);

        assertThat(timeline.stepSeconds()).isEqualTo(3);
        assertThat(timeline.framesLeft()).isEqualTo(48_000);
    }

    @Test
    void segmentsBeyondTheCapStillCountTowardsTheTotals() {
        SpeechSegments segments = new SpeechSegments(AudioSettings.defaults(), 2);
        segments.add(0, 1);
        segments.add(2, 3);
        segments.add(5, 6);
        segments.flush();

        assertThat(segments.toList())
                .containsExactly(new TimeSpan(0.0, 1.0), new TimeSpan(2.0, 3.0));
        assertThat(segments.truncated()).isTrue();
        assertThat(segments.speechSeconds()).isEqualTo(3.0);
        assertThat(segments.longestPause()).isEqualTo(2.0);
    }
}
