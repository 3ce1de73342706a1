package dev.enrich.stage.canvas;

import dev.enrich.model.TimeSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Shrink long timelines to a drawable size: merge close speech segments, downsample value tracks. */
final class Tracks {

    /** A downsampled track and how many input points each output point covers. */
    record Downsampled(List<Double> values, int factor) {}

    private Tracks() {}

    /**
     * Merge spans separated by less than {@code minGap} seconds. With {@code minGap = extent / n}, at most
     * {@code n + 1} spans remain, since each remaining gap is at least {@code minGap} long. Input must be sorted.
     */
    static List<TimeSpan> merge(List<TimeSpan> spans, double minGap) {
        List<TimeSpan> out = new ArrayList<>();
        for (TimeSpan s : spans) {
            int last = out.size() - 1;
            if (last >= 0 && s.start() - out.get(last).end() < minGap) {
                out.set(last, new TimeSpan(out.get(last).start(), Math.max(out.get(last).end(), s.end())));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** Downsample RMS dBFS values to at most {@code max} points, averaging power (not decibels) per bucket. */
    static Downsampled downsampleDbfs(List<Double> dbfs, int max) {
        return downsample(dbfs, max, bucket -> {
            double power = 0;
            for (double db : bucket) {
                power += Math.pow(10, db / 10);
            }
            return Math.max(CanvasDocument.FLOOR_DBFS, 10 * Math.log10(power / bucket.size()));
        });
    }

    /** Downsample 0..1 activity values to at most {@code max} points, keeping each bucket's peak. */
    static Downsampled downsamplePeak(List<Double> values, int max) {
        return downsample(values, max, bucket -> bucket.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }

    private static Downsampled downsample(List<Double> values, int max, ToDoubleFunction<List<Double>> reduce) {
        if (values.size() <= max) {
            return new Downsampled(values, 1);
        }
        int factor = (values.size() + max - 1) / max;
        List<Double> out = new ArrayList<>(max);
        for (int from = 0; from < values.size(); from += factor) {
            List<Double> bucket = values.subList(from, Math.min(values.size(), from + factor));
            out.add(reduce.applyAsDouble(bucket));
        }
        return new Downsampled(out, factor);
    }
}
