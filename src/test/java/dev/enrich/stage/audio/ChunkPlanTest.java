package dev.enrich.stage.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.stage.audio.ChunkPlan.Chunk;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkPlanTest {

    private static final int RATE = 100;

    @Test
    void cutsInTheMiddleOfTheLatestPauseThatFits() {
        // Pauses 0..0.5, 4..5, 8..10 and 19..20; chunks of at most 7.5 s.
        List<double[]> speech = List.of(new double[] {0.5, 4}, new double[] {5, 8}, new double[] {10, 19});

        List<Chunk> chunks = ChunkPlan.plan(speech, 20, 20 * RATE, RATE, 750);

        assertThat(chunks).containsExactly(new Chunk(0, 450, true), new Chunk(450, 900, true),
                new Chunk(900, 1_650, true), new Chunk(1_650, 2_000, true));
    }

    @Test
    void prefersAPauseOverAHardCutEvenWhenItIsEarly() {
        List<double[]> speech = List.of(new double[] {0, 1}, new double[] {2, 30});

        List<Chunk> chunks = ChunkPlan.plan(speech, 30, 30 * RATE, RATE, 1_000);

        assertThat(chunks).extracting(Chunk::endFrame).containsExactly(150L, 1_150L, 2_150L, 3_000L);
    }

    @Test
    void cutsHardWhenSpeechRunsOnWithoutAPause() {
        List<double[]> speech = List.of(new double[] {0, 25});

        List<Chunk> chunks = ChunkPlan.plan(speech, 25, 25 * RATE, RATE, 1_000);

        assertThat(chunks).containsExactly(new Chunk(0, 1_000, true), new Chunk(1_000, 2_000, true),
                new Chunk(2_000, 2_500, true));
    }

    @Test
    void ignoresPausesTooShortToCutIn() {
        List<double[]> speech = List.of(new double[] {0, 5}, new double[] {5.1, 12});

        assertThat(ChunkPlan.plan(speech, 12, 12 * RATE, RATE, 1_000)).extracting(Chunk::endFrame)
                .containsExactly(1_000L, 1_200L);
    }

    @Test
    void cutsAtTheLimitInsideAPauseRunningPastIt() {
        // The pause 8..30 runs past the 10 s limit: the cut stays in the pause, at the limit.
        List<double[]> speech = List.of(new double[] {1, 8}, new double[] {30, 32});

        List<Chunk> chunks = ChunkPlan.plan(speech, 32, 32 * RATE, RATE, 1_000);

        assertThat(chunks).containsExactly(new Chunk(0, 1_000, true), new Chunk(1_000, 1_900, false),
                new Chunk(1_900, 2_900, false), new Chunk(2_900, 3_200, true));
    }

    @Test
    void prefersAnEarlierPauseToTheLimitRightAfterSpeechEnds() {
        // The pause from 9.95 s runs past the 10 s limit, but cutting at 10 s would clip the speech before it.
        List<double[]> speech = List.of(new double[] {0, 4}, new double[] {4.5, 9.95}, new double[] {30, 32});

        assertThat(ChunkPlan.plan(speech, 32, 32 * RATE, RATE, 1_000).get(0)).isEqualTo(new Chunk(0, 425, true));
    }

    @Test
    void treatsAudioAfterATruncatedSegmentListAsSpeech() {
        List<double[]> speech = List.of(new double[] {0, 2});

        List<Chunk> chunks = ChunkPlan.plan(speech, 2, 30 * RATE, RATE, 1_000);

        assertThat(chunks).allSatisfy(c -> assertThat(c.speech()).isTrue());
        assertThat(chunks).extracting(Chunk::endFrame).containsExactly(1_000L, 2_000L, 3_000L);
    }

    @Test
    void marksChunksWithoutSpeech() {
        assertThat(ChunkPlan.plan(List.of(), 5, 5 * RATE, RATE, 1_000)).containsExactly(new Chunk(0, 500, false));
    }

    @Test
    void refusesEmptyChunks() {
        assertThatThrownBy(() -> ChunkPlan.plan(List.of(), 1, RATE, RATE, 0))
                .hasMessage("maxFrames must be > 0, but was 0");
    }
}
