package dev.enrich.stage.canvas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Hold what the canvas template shows, derived from a canvas document. Read defensively: a stored document may come
 * from an older version. Empty strings mean "absent" (the compiler treats them as false in sections).
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

    /** Return the view of a canvas document. */
    static CanvasView of(Map<?, ?> doc) {
        String dateIso = Values.text(doc.get("date"), 40).orElse("");
        double duration = Values.number(doc.get("durationSeconds"), 0, CanvasDocument.MAX_SECONDS).orElse(0);
        return new CanvasView(
                Values.text(doc.get("title"), CanvasDocument.MAX_TITLE).orElse("Session"),
                dateIso,
                Format.date(dateIso).orElse(""),
                duration > 0 ? Format.duration(duration) : "",
                sources(Values.texts(doc.get("sources"), 3, 20)),
                Values.text(doc.get("summary"), 10_000).orElse(""),
                Values.text(doc.get("narrative"), CanvasNarrative.MAX_NARRATIVE).orElse(""),
                stats(Values.map(doc.get("stats"))),
                TimelineSvg.of(doc),
                chapters(Values.maps(doc.get("chapters"))),
                Values.texts(doc.get("highlights"), 50, 1000),
                Values.texts(doc.get("actionItems"), 100, 1000),
                Values.texts(doc.get("keywords"), 100, 100));
    }

    private static List<Stat> stats(Map<?, ?> s) {
        List<Stat> out = new ArrayList<>();
        Values.number(s.get("speechRatio"), 0, 1).ifPresent(r -> out.add(new Stat("Speech", Format.percent(r))));
        Values.number(s.get("longestPauseSeconds"), 0, CanvasDocument.MAX_SECONDS)
                .ifPresent(p -> out.add(new Stat("Longest pause", Format.duration(p))));
        count(out, s, "speechSegments", "Speech segments");
        Values.number(s.get("rmsDbfs"), CanvasDocument.FLOOR_DBFS, 0)
                .ifPresent(d -> out.add(new Stat("Average loudness", Format.decimal(d), "dBFS")));
        Values.number(s.get("peakDbfs"), CanvasDocument.FLOOR_DBFS, 0)
                .ifPresent(d -> out.add(new Stat("Peak level", Format.decimal(d), "dBFS")));
        Values.number(s.get("clippingRatio"), 0, 1)
                .ifPresent(r -> out.add(new Stat("Clipping", r == 0 ? "None" : Format.percent(r))));
        count(out, s, "chapters", "Chapters");
        count(out, s, "sceneChanges", "Scene changes");
        count(out, s, "actionItems", "Action items");
        count(out, s, "keywords", "Keywords");
        return out;
    }

    private static void count(List<Stat> out, Map<?, ?> stats, String key, String label) {
        Values.number(stats.get(key), 0, Integer.MAX_VALUE)
                .ifPresent(n -> out.add(new Stat(label, String.valueOf((long) n))));
    }

    private static List<Chapter> chapters(List<Map<?, ?>> maps) {
        List<Chapter> out = new ArrayList<>();
        for (Map<?, ?> c : maps) {
            double start = Values.number(c.get("start"), 0, CanvasDocument.MAX_SECONDS).orElse(-1);
            double end = Values.number(c.get("end"), 0, CanvasDocument.MAX_SECONDS).orElse(-1);
            if (start < 0 || end < start) {
                continue;
            }
            String thumbnail = Values.text(c.get("thumbnail"), 200).filter(t -> THUMBNAIL.matcher(t).matches())
                    .orElse("");
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
