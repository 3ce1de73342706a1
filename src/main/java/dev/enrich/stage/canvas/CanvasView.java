package dev.enrich.stage.canvas;

import dev.enrich.model.Canvas;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Hold what the canvas template shows, derived from a canvas. Thumbnails must be same-origin key frame paths and
 * chapters proper spans, else they are left out; texts are capped again, as a stored canvas may be larger. Empty
 * strings mean "absent" (the compiler treats them as false in sections).
 */
record CanvasView(String title, String dateIso, String dateText, String durationText, String sourcesText,
        String summary, String narrative, List<Stat> stats, TimelineSvg.@Nullable Timeline timeline,
        List<Chapter> chapters, List<String> highlights, List<String> actionItems, List<String> keywords) {

    private static final Pattern THUMBNAIL = Pattern.compile("/api/v1/sessions/[A-Za-z0-9_-]{1,100}/thumbnails/\\d+");

    /** One figure in the stats grid; {@code unit} may be empty. */
    record Stat(String label, String value, String unit) {

        Stat(String label, String value) {
            this(label, value, "");
        }
    }

    /** One chapter card; {@code thumbnail} is a same-origin URL path or empty. */
    record Chapter(String number, String range, String length, String thumbnail) {}

    boolean hasStats() {
        return !stats.isEmpty();
    }

    boolean hasChapters() {
        return !chapters.isEmpty();
    }

    boolean hasHighlights() {
        return !highlights.isEmpty();
    }

    boolean hasActionItems() {
        return !actionItems.isEmpty();
    }

    boolean hasKeywords() {
        return !keywords.isEmpty();
    }

    boolean isEmpty() {
        return summary.isEmpty() && narrative.isEmpty() && stats.isEmpty() && timeline == null && chapters.isEmpty()
                && highlights.isEmpty() && actionItems.isEmpty() && keywords.isEmpty();
    }

    /** Return the view of a canvas. */
    static CanvasView of(Canvas doc) {
        Double duration = doc.durationSeconds();
        return new CanvasView(
                CanvasDocument.text(doc.title(), CanvasDocument.MAX_TITLE).orElse("Session"),
                doc.date().toString(),
                Format.date(doc.date()),
                duration != null && duration > 0 ? Format.duration(duration) : "",
                sources(doc.sources()),
                CanvasDocument.text(doc.summary(), 10_000).orElse(""),
                CanvasDocument.text(doc.narrative(), CanvasNarrative.MAX_NARRATIVE).orElse(""),
                stats(doc.stats()),
                TimelineSvg.of(doc),
                chapters(doc.chapters()),
                doc.highlights(),
                doc.actionItems(),
                doc.keywords());
    }

    private static List<Stat> stats(Canvas.Stats s) {
        List<Stat> out = new ArrayList<>();
        add(out, s.speechRatio(), r -> new Stat("Speech", Format.percent(r)));
        add(out, s.longestPauseSeconds(), p -> new Stat("Longest pause", Format.duration(p)));
        count(out, s.speechSegments(), "Speech segments");
        add(out, s.rmsDbfs(), d -> new Stat("Average loudness", Format.decimal(d), "dBFS"));
        add(out, s.peakDbfs(), d -> new Stat("Peak level", Format.decimal(d), "dBFS"));
        add(out, s.clippingRatio(), r -> new Stat("Clipping", r == 0 ? "None" : Format.percent(r)));
        count(out, s.chapters(), "Chapters");
        count(out, s.sceneChanges(), "Scene changes");
        count(out, s.actionItems(), "Action items");
        count(out, s.keywords(), "Keywords");
        return out;
    }

    private static void add(List<Stat> out, @Nullable Double value, Function<Double, Stat> stat) {
        if (value != null) {
            out.add(stat.apply(value));
        }
    }

    private static void count(List<Stat> out, @Nullable Integer n, String label) {
        if (n != null) {
            out.add(new Stat(label, String.valueOf(n)));
        }
    }

    private static List<Chapter> chapters(List<dev.enrich.model.Chapter> chapters) {
        List<Chapter> out = new ArrayList<>();
        for (dev.enrich.model.Chapter c : chapters) {
            double start = c.start();
            double end = c.end();
            if (!(start >= 0) || !(end >= start) || end > CanvasDocument.MAX_SECONDS) {
                continue;
            }
            String thumbnail = c.thumbnail() != null && THUMBNAIL.matcher(c.thumbnail()).matches() ? c.thumbnail() : "";
            out.add(new Chapter(String.valueOf(out.size() + 1), Format.clock(start) + "–" + Format.clock(end),
                    Format.duration(end - start), thumbnail));
        }
        return out;
    }

    private static String sources(List<String> sources) {
        if (sources.size() < 2) {
            return sources.isEmpty() ? "" : "Built from " + sources.get(0);
        }
        return "Built from " + String.join(", ", sources.subList(0, sources.size() - 1)) + " and "
                + sources.get(sources.size() - 1);
    }
}
