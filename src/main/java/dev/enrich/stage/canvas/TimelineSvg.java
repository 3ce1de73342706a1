package dev.enrich.stage.canvas;

import dev.enrich.model.Canvas;
import dev.enrich.model.TimeSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Lay out the timeline SVG: every coordinate is computed here and passed to the template as a plain number, so no
 * document text ever reaches an SVG attribute. Rows (chapters, speech, loudness, motion) appear when their data does.
 */
final class TimelineSvg {

    static final int WIDTH = 1000;
    private static final double PLOT_X = 96;
    private static final double PLOT_W = WIDTH - PLOT_X - 12;
    private static final double GAP = 10;
    private static final double LOUDNESS_RANGE_DB = 60;
    private static final double[] TICK_STEPS = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
        10800, 21600, 43200, 86400};

    /** The whole drawing; a {@code null} row is not drawn. */
    record Timeline(int width, int height, String label, String plotX, String plotEnd, String axisY,
            @Nullable ChapterRow chapters, @Nullable BarRow speech, @Nullable AreaRow loudness,
            @Nullable AreaRow motion, List<Tick> ticks) {}

    record ChapterRow(String y, String height, String labelY, List<ChapterBar> bars) {}

    record ChapterBar(String x, String width, String kind, String labelX, String labelY, String number,
            boolean labelled, String title) {}

    record BarRow(String y, String height, String labelY, String baseY, List<Bar> bars) {}

    record Bar(String x, String width) {}

    record AreaRow(String y, String height, String labelY, String path) {}

    record Tick(String x, String label, String labelY) {}

    private final double extent;
    private double y = 4;

    private TimelineSvg(double extent) {
        this.extent = extent;
    }

    /** Return the timeline for a canvas, or {@code null} when it has nothing to draw on a time axis. */
    static @Nullable Timeline of(Canvas doc) {
        List<TimeSpan> chapters = spans(doc.chapters().stream().map(c -> new TimeSpan(c.start(), c.end())).toList());
        Canvas.Speech speech = doc.speech();
        List<TimeSpan> segments = speech == null ? List.of() : spans(speech.segments());
        List<Double> loudness = speech == null ? List.of() : speech.loudness();
        double loudnessStep = step(speech == null ? null : speech.loudnessStepSeconds(), 1);
        Canvas.Motion motion = doc.motion();
        List<Double> activity = motion == null ? List.of() : motion.values();
        double motionStep = step(motion == null ? null : motion.stepSeconds(), 0);

        Double duration = doc.durationSeconds();
        double extent = duration != null && duration >= 0 && duration <= CanvasDocument.MAX_SECONDS ? duration : 0;
        extent = Math.max(extent, end(chapters));
        extent = Math.max(extent, end(segments));
        extent = Math.max(extent, loudness.size() * loudnessStep);
        extent = Math.max(extent, activity.size() * motionStep);
        if (!(extent > 0) || extent > CanvasDocument.MAX_SECONDS) {
            return null;
        }
        TimelineSvg svg = new TimelineSvg(extent);
        ChapterRow chapterRow = chapters.isEmpty() ? null : svg.chapters(chapters);
        BarRow speechRow = segments.isEmpty() ? null : svg.speech(segments);
        AreaRow loudnessRow = loudness.isEmpty() ? null
                : svg.area(44, loudness, loudnessStep, db -> (Math.max(-LOUDNESS_RANGE_DB, db) + LOUDNESS_RANGE_DB)
                        / LOUDNESS_RANGE_DB);
        double step = motionStep > 0 ? motionStep : extent / Math.max(1, activity.size());
        AreaRow motionRow = activity.isEmpty() ? null : svg.area(32, activity, step, v -> v);
        if (chapterRow == null && speechRow == null && loudnessRow == null && motionRow == null) {
            return null;
        }
        double axisY = svg.y;
        List<Tick> ticks = svg.ticks(axisY + 15);
        return new Timeline(WIDTH, (int) Math.ceil(axisY + 20), "Timeline of " + Format.duration(extent),
                num(PLOT_X), num(PLOT_X + PLOT_W), num(axisY), chapterRow, speechRow, loudnessRow, motionRow,
                ticks);
    }

    private ChapterRow chapters(List<TimeSpan> chapters) {
        double h = 28;
        double top = row(h);
        double textY = top + h / 2 + 4;
        List<ChapterBar> bars = new ArrayList<>();
        for (int i = 0; i < chapters.size(); i++) {
            TimeSpan c = chapters.get(i);
            double x = x(c.start());
            double w = Math.max(1, x(c.end()) - x);
            String number = String.valueOf(i + 1);
            bars.add(new ChapterBar(num(x), num(w), i % 2 == 0 ? "a" : "b", num(x + w / 2), num(textY), number,
                    w >= 8 * number.length() + 6,
                    "Chapter " + number + ", " + Format.clock(c.start()) + "–" + Format.clock(c.end())));
        }
        return new ChapterRow(num(top), num(h), num(textY), bars);
    }

    private BarRow speech(List<TimeSpan> segments) {
        double h = 16;
        List<Bar> bars = new ArrayList<>();
        for (TimeSpan s : segments) {
            double x = x(s.start());
            bars.add(new Bar(num(x), num(Math.max(0.5, x(s.end()) - x))));
        }
        double top = row(h);
        return new BarRow(num(top), num(h), num(top + h / 2 + 4), num(top + h / 2), bars);
    }

    /** Draw values (mapped to 0..1 by {@code level}) as a filled area, one point per {@code step} seconds. */
    private AreaRow area(double h, List<Double> values, double step, DoubleUnaryOperator level) {
        double top = row(h);
        double bottom = top + h;
        StringBuilder path = new StringBuilder("M").append(num(x(0))).append(' ').append(num(bottom));
        for (int i = 0; i < values.size(); i++) {
            double v = Math.max(0, Math.min(1, level.applyAsDouble(values.get(i))));
            path.append(" L").append(num(x((i + 0.5) * step))).append(' ').append(num(bottom - v * h));
        }
        path.append(" L").append(num(x(values.size() * step))).append(' ').append(num(bottom)).append(" Z");
        return new AreaRow(num(top), num(h), num(top + h / 2 + 4), path.toString());
    }

    private List<Tick> ticks(double labelY) {
        double step = TICK_STEPS[TICK_STEPS.length - 1];
        for (double s : TICK_STEPS) {
            if (extent / s <= 8) {
                step = s;
                break;
            }
        }
        List<Tick> ticks = new ArrayList<>();
        for (int k = 0; k * step <= extent + 1e-9; k++) {
            ticks.add(new Tick(num(x(k * step)), Format.clock(k * step), num(labelY)));
        }
        return ticks;
    }

    /** Reserve a row of height {@code h} and return its top. */
    private double row(double h) {
        double top = y;
        y += h + GAP;
        return top;
    }

    private double x(double seconds) {
        return PLOT_X + Math.max(0, Math.min(1, seconds / extent)) * PLOT_W;
    }

    private static List<TimeSpan> spans(List<TimeSpan> spans) {
        return spans.stream().filter(s -> s.start() >= 0 && s.end() >= s.start()
                && s.end() <= CanvasDocument.MAX_SECONDS).toList();
    }

    /** Return {@code seconds} when it is a usable step, else {@code otherwise}. */
    private static double step(@Nullable Double seconds, double otherwise) {
        return seconds != null && seconds >= 1e-3 && seconds <= CanvasDocument.MAX_SECONDS ? seconds : otherwise;
    }

    private static double end(List<TimeSpan> spans) {
        return spans.stream().mapToDouble(TimeSpan::end).max().orElse(0);
    }

    private static String num(double value) {
        return Format.decimal(value);
    }
}
