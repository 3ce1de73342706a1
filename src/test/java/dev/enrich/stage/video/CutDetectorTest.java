package dev.enrich.stage.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;

class CutDetectorTest {

    private static final int W = 144;
    private static final int H = 96;
    private static final double FPS = 30;

    @Test
    void hardCutIsFoundAtTheFirstFrameOfTheNewScene() {
        List<Double> cuts = run(90, i -> i < 40 ? stripes(0) : flat(235), false);

        assertThat(cuts).containsExactly(40 / FPS);
    }

    @Test
    void steadyMotionIsNoCut() {
        assertThat(run(120, i -> stripes(i), false)).isEmpty();
        assertThat(run(120, i -> checks(2 * i), false)).isEmpty();
    }

    @Test
    void cutInTheMiddleOfMotionIsFound() {
        List<Double> cuts = run(120, i -> i < 60 ? stripes(i) : checks(i), false);

        assertThat(cuts).hasSize(1);
        assertThat(cuts.get(0)).isCloseTo(2.0, within(0.05));
    }

    @Test
    void dissolveCountsOnceAtItsMiddle() {
        // A one-second dissolve from frame 45 to 75: its middle is at 2.0 s.
        List<Double> cuts = run(120, i -> mix(stripes(0), checks(0), Math.min(1, Math.max(0, (i - 45) / 30.0))),
                false);

        assertThat(cuts).hasSize(1);
        assertThat(cuts.get(0)).isCloseTo(2.0, within(0.1));
    }

    @Test
    void framesInDecodingOrderGiveTheSameCuts() {
        IntBinaryOperator[] scenes = {stripes(0), checks(0), flat(16)};
        java.util.function.IntFunction<IntBinaryOperator> picture = i -> scenes[i / 40];

        assertThat(run(120, picture, true)).isEqualTo(run(120, picture, false)).containsExactly(40 / FPS, 80 / FPS);
    }

    private static List<Double> run(int frames, java.util.function.IntFunction<IntBinaryOperator> picture,
            boolean decodingOrder) {
        CutDetector detector = CutDetector.tuned();
        List<Double> cuts = new ArrayList<>();
        for (int n = 0; n < frames; n++) {
            // x264-like order with B-frames: I0 P4 B2 B1 B3 P8 B6 B5 B7 ...
            int i = decodingOrder ? decodingIndex(n, frames) : n;
            detector.add(i / FPS, signature(picture.apply(i)));
            cuts.addAll(detector.poll(false));
        }
        cuts.addAll(detector.poll(true));
        return cuts;
    }

    private static int decodingIndex(int n, int frames) {
        if (n == 0) {
            return 0;
        }
        int group = (n - 1) / 4;
        int[] order = {4, 2, 1, 3};
        int i = group * 4 + order[(n - 1) % 4];
        return i < frames ? i : n;
    }

    private static FrameSignature signature(IntBinaryOperator luma) {
        byte[] plane = new byte[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                plane[y * W + x] = (byte) (luma.applyAsInt(x, y) - 128);
            }
        }
        return FrameSignature.ofPlane(plane, 0, W, W, H);
    }

    private static IntBinaryOperator stripes(int shift) {
        return (x, y) -> ((x + shift) / 12) % 2 == 0 ? 40 : 220;
    }

    private static IntBinaryOperator checks(int shift) {
        return (x, y) -> (((x + shift) / 16 + y / 16) % 2 == 0) ? 200 : 90;
    }

    private static IntBinaryOperator flat(int luma) {
        return (x, y) -> luma;
    }

    private static IntBinaryOperator mix(IntBinaryOperator a, IntBinaryOperator b, double t) {
        return (x, y) -> (int) Math.round((1 - t) * a.applyAsInt(x, y) + t * b.applyAsInt(x, y));
    }
}
