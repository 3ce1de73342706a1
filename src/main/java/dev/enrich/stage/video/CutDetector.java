package dev.enrich.stage.video;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Find the scene cuts of a video from the signatures of all its decoded frames, as a person would mark them.
 *
 * <ul>
 *   <li>A hard cut is one frame-to-frame change that stands out: above an absolute floor, several times the usual
 *       change of the frames just before and just after it (so continuous motion — scrolling, zooming, a video
 *       playing — does not count however fast, while a cut in the middle of such motion does), and the picture a
 *       little before differs from the one a little after (a single-frame flash is no cut). It is reported at the
 *       first frame of the new scene.
 *   <li>A gradual transition — a dissolve, or a fade through black — counts once, at its middle: the frames whose
 *       picture is a mix of the pictures half a second before and after (and neither of those two alone), where those
 *       two differ as much as a cut would. Moving content is no such mix.
 * </ul>
 *
 * <p>Frames may be added in decoding order (B-frames come after the frames they precede); they are judged in
 * presentation order once a few frames past the look-ahead have been seen. Not thread-safe.
 */
final class CutDetector {

    // Look this far before and after a frame for its neighbours' usual change.
    private static final double NEIGHBOURHOOD = 0.35;
    // Compare the pictures this far before and after a frame for gradual transitions (fades up to twice as long).
    private static final double HALF_TRANSITION = 0.5;
    // A frame is judged once this many frames beyond its look-ahead are known (decoding reorders fewer).
    private static final int REORDER = 5;
    // Two cuts closer than this are one.
    private static final double MIN_GAP = 0.6;
    // A gradual transition must last this long (a few frames' accidental fit is none).
    private static final double MIN_TRANSITION = 0.15;

    private final double floor;
    private final double spike;
    private final double mixResidual;
    private final List<Frame> frames = new ArrayList<>();
    private final List<Double> found = new ArrayList<>();
    private final List<Double> emitted = new ArrayList<>();
    private final List<Double> hardCuts = new ArrayList<>();
    private int next = 0;
    private double runStart = Double.NaN;
    private double runEnd = Double.NaN;

    private static final class Frame {
        final double seconds;
        final FrameSignature signature;
        double change = Double.NaN;

        Frame(double seconds, FrameSignature signature) {
            this.seconds = seconds;
            this.signature = signature;
        }
    }

    /**
     * Create a detector.
     *
     * @param floor smallest frame-to-frame distance (0..1) that can be a cut
     * @param spike how many times the neighbours' usual change a cut must be
     * @param mixResidual largest misfit (relative) of a frame that is a mix of its neighbours
     */
    CutDetector(double floor, double spike, double mixResidual) {
        this.floor = floor;
        this.spike = spike;
        this.mixResidual = mixResidual;
    }

    /** Return a detector with the values tuned on the labelled clip set (SceneCutAccuracyTest). */
    static CutDetector tuned() {
        return new CutDetector(0.06, 3, 0.15);
    }

    /** Add a decoded frame shown at {@code seconds}. */
    void add(double seconds, FrameSignature signature) {
        int i = frames.size();
        while (i > next && frames.get(i - 1).seconds > seconds) {
            i--;
        }
        if (i < next || (i > 0 && frames.get(i - 1).seconds == seconds)) {
            return; // too late to place (a broken stream) or a duplicate time
        }
        frames.add(i, new Frame(seconds, signature));
        if (i + 1 < frames.size()) {
            frames.get(i + 1).change = Double.NaN;
        }
        judgeReady(false);
    }

    /** Return the cuts found since the last call, in seconds; with {@code end}, judge the remaining frames first. */
    List<Double> poll(boolean end) {
        if (end) {
            judgeReady(true);
            closeRun();
            hardCuts.forEach(this::emit);
            hardCuts.clear();
        }
        List<Double> out = List.copyOf(found);
        found.clear();
        return out;
    }

    private void judgeReady(boolean end) {
        double reach = Math.max(NEIGHBOURHOOD, HALF_TRANSITION);
        while (next < frames.size()) {
            Frame f = frames.get(next);
            int beyond = 0;
            for (int j = frames.size() - 1; j > next && frames.get(j).seconds > f.seconds + reach; j--) {
                beyond++;
            }
            if (!end && beyond < REORDER) {
                return;
            }
            judge(next);
            next++;
        }
        // Forget frames no longer looked at.
        int drop = 0;
        double keep = frames.isEmpty() ? 0 : frames.get(Math.max(0, next - 1)).seconds - reach - 0.1;
        while (drop < next - 1 && frames.get(drop).seconds < keep) {
            drop++;
        }
        if (drop > 0) {
            frames.subList(0, drop).clear();
            next -= drop;
        }
    }

    private void judge(int i) {
        if (i == 0) {
            return;
        }
        Frame f = frames.get(i);
        double change = change(i);
        if (change >= floor) {
            double usual = Math.max(usualChange(i, -1), usualChange(i, 1));
            Frame before = at(f.seconds - NEIGHBOURHOOD, i - 1);
            Frame after = at(f.seconds + NEIGHBOURHOOD, i);
            if (change >= spike * usual && before.signature.change(after.signature) >= floor) {
                hardCuts.add(f.seconds);
            }
        }
        Frame a = at(f.seconds - HALF_TRANSITION, i);
        Frame b = at(f.seconds + HALF_TRANSITION, i);
        boolean mixing = false;
        if (a != f && b != f && a.signature.change(b.signature) >= floor) {
            double[] mix = f.signature.mixOf(a.signature, b.signature);
            mixing = mix[2] <= mixResidual && mix[0] < 0.85 && mix[1] < 0.85;
        }
        if (mixing) {
            if (Double.isNaN(runStart) || f.seconds - runEnd > 0.2) {
                closeRun();
                runStart = f.seconds;
            }
            runEnd = f.seconds;
        } else if (!Double.isNaN(runStart) && f.seconds - runEnd > 0.2) {
            closeRun();
        }
        // A hard cut that starts a fade (a sudden first step) is part of it: held until no fade can claim it.
        while (!hardCuts.isEmpty() && hardCuts.get(0) < f.seconds - 0.3
                && (Double.isNaN(runStart) || hardCuts.get(0) < runStart - 0.25)) {
            emit(hardCuts.remove(0));
        }
    }

    private void closeRun() {
        if (!Double.isNaN(runStart) && runEnd - runStart >= MIN_TRANSITION) {
            hardCuts.removeIf(t -> t >= runStart - 0.25 && t <= runEnd + 0.25);
            emit((runStart + runEnd) / 2);
        }
        runStart = Double.NaN;
        runEnd = Double.NaN;
    }

    private void emit(double seconds) {
        for (double e : emitted) {
            if (Math.abs(e - seconds) < MIN_GAP) {
                return;
            }
        }
        emitted.add(seconds);
        if (emitted.size() > 8) {
            emitted.remove(0);
        }
        found.add(seconds);
    }

    // The frame-to-frame distance into frame i.
    private double change(int i) {
        Frame f = frames.get(i);
        if (Double.isNaN(f.change)) {
            f.change = frames.get(i - 1).signature.change(f.signature);
        }
        return f.change;
    }

    // Median change of the frames within the neighbourhood on one side of frame i (not counting i).
    private double usualChange(int i, int direction) {
        double from = frames.get(i).seconds;
        double[] values = new double[frames.size()];
        int n = 0;
        for (int j = i + direction; j >= 1 && j < frames.size()
                && Math.abs(frames.get(j).seconds - from) <= NEIGHBOURHOOD; j += direction) {
            values[n++] = change(j);
        }
        if (n == 0) {
            return 0;
        }
        Arrays.sort(values, 0, n);
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    // The known frame closest to the given time (the first frame to search from is a hint).
    private Frame at(double seconds, int hint) {
        int j = Math.max(0, Math.min(hint, frames.size() - 1));
        while (j > 0 && frames.get(j).seconds > seconds) {
            j--;
        }
        while (j + 1 < frames.size() && frames.get(j + 1).seconds <= seconds) {
            j++;
        }
        if (j + 1 < frames.size()
                && Math.abs(frames.get(j + 1).seconds - seconds) < Math.abs(frames.get(j).seconds - seconds)) {
            j++;
        }
        return frames.get(j);
    }
}
