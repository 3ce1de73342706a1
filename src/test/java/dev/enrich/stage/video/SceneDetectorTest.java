package dev.enrich.stage.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SceneDetectorTest {

    @Test
    void staticContentCutsOnlyAboveTheFloor() {
        SceneDetector detector = new SceneDetector(0.15, 6, 30);
        for (int i = 0; i < 20; i++) {
            assertThat(detector.isCut(0.001)).isFalse();
        }
        assertThat(detector.isCut(0.14)).isFalse();
        assertThat(detector.isCut(0.5)).isTrue();
    }

    @Test
    void busyContentRaisesTheThresholdSoOnlyJumpsCount() {
        SceneDetector detector = new SceneDetector(0.15, 6, 30);
        Random noise = new Random(1);
        for (int i = 0; i < 30; i++) {
            // Steady motion around 0.3 with a little jitter: never a cut, though above the floor.
            assertThat(detector.isCut(0.3 + 0.02 * noise.nextGaussian())).as("frame %d", i).isEqualTo(i == 0);
        }
        assertThat(detector.threshold()).isGreaterThan(0.3);
        assertThat(detector.isCut(0.36)).isFalse();
        assertThat(detector.isCut(0.9)).isTrue();
    }

    @Test
    void switchFromStillToSustainedMotionCutsOnce() {
        SceneDetector detector = new SceneDetector(0.15, 6, 30);
        int cuts = 0;
        for (int i = 0; i < 10; i++) {
            cuts += detector.isCut(0.01) ? 1 : 0;
        }
        for (int i = 0; i < 40; i++) {
            cuts += detector.isCut(0.4) ? 1 : 0;
        }
        assertThat(cuts).isEqualTo(1);
    }

    @Test
    void isolatedCutsDoNotRaiseTheThreshold() {
        SceneDetector detector = new SceneDetector(0.15, 6, 30);
        for (int i = 0; i < 30; i++) {
            assertThat(detector.isCut(i % 6 == 5 ? 0.8 : 0.01)).isEqualTo(i % 6 == 5);
        }
        assertThat(detector.threshold()).isEqualTo(0.15);
    }

    @Test
    void shortChaptersJoinTheNextAndAShortTailJoinsThePrevious() {
        List<Integer> saved = new ArrayList<>();
        Chapters chapters = new Chapters(2, 100, (index, image) -> saved.add(index));
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        double[] cuts = {5, 6, 10, 15};
        int c = 0;
        for (int t = 0; t < 16; t++) {
            boolean cut = c < cuts.length && cuts[c] == t;
            if (cut) {
                chapters.sceneChange(t);
                c++;
            }
            chapters.frame(cut ? 0.8 : 0.01, () -> image);
        }

        assertThat(chapters.finish(16)).containsExactly(new Chapters.Chapter(0, 0, 5, true),
                new Chapters.Chapter(1, 5, 10, true), new Chapters.Chapter(2, 10, 16, true));
        assertThat(saved).containsExactly(0, 1, 2);
    }

    @Test
    void stopsOpeningChaptersAtTheLimit() {
        Chapters chapters = new Chapters(0, 2, (index, image) -> false);
        chapters.frame(0, () -> new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
        chapters.sceneChange(1);
        chapters.sceneChange(2);

        assertThat(chapters.finish(3)).containsExactly(new Chapters.Chapter(0, 0, 1, false),
                new Chapters.Chapter(1, 1, 3, false));
        assertThat(chapters.truncated()).isTrue();
    }
}
