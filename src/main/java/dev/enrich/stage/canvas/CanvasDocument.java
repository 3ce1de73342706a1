package dev.enrich.stage.canvas;

import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.session.Session;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Build the canvas document from the session and whatever useful upstream results exist. Every upstream value is
 * validated (type, finiteness, range) and anything unusable is left out, so any subset of results works.
 *
 * <p>Keys: {@code title} (the summary's suggested title, else the session's), {@code date} (ISO-8601),
 * {@code durationSeconds} (the longer of audio and video), {@code stats}, {@code chapters}
 * ({@code index, start, end, thumbnail?}), {@code speech} ({@code segments, segmentsMerged?, loudness,
 * loudnessStepSeconds}), {@code motion} ({@code values, stepSeconds?}), {@code summary}, {@code highlights},
 * {@code actionItems}, {@code keywords}, {@code sources}; {@link AiCanvasStage} may add {@code narrative}. Absent
 * data means an absent key. Tracks hold at most
 * {@value #MAX_POINTS} points: close speech segments are merged (then {@code segmentsMerged} is true) and value
 * tracks downsampled; text lists are capped (10 highlights, 30 action items, 30 keywords, 200 chapters).
 */
final class CanvasDocument {

    static final int MAX_POINTS = 600;
    static final double FLOOR_DBFS = -120;
    /** Longest time we accept from upstream, in seconds: a week. Anything beyond is treated as corrupt. */
    static final double MAX_SECONDS = 7 * 24 * 3600;
    static final int MAX_TITLE = 200;

    private static final int MAX_CHAPTERS = 200;
    private static final int MAX_SUMMARY = 4000;

    private CanvasDocument() {}

    /** Return the document for a stage context. */
    static Map<String, Object> build(StageContext context) {
        Session session = context.session();
        Map<?, ?> audio = data(context, StageName.AUDIO);
        Map<?, ?> video = data(context, StageName.VIDEO);
        Map<?, ?> summary = data(context, StageName.SUMMARY);

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("title", Values.text(summary.get("title"), MAX_TITLE)
                .or(() -> Values.text(session.title(), MAX_TITLE)).orElse("Session"));
        doc.put("date", session.createdAt().toString());
        OptionalDouble audioSeconds = seconds(audio.get("durationSeconds"));
        OptionalDouble videoSeconds = seconds(video.get("durationSeconds"));
        if (audioSeconds.isPresent() || videoSeconds.isPresent()) {
            doc.put("durationSeconds", Values.round(
                    Math.max(audioSeconds.orElse(0), videoSeconds.orElse(0)), 3));
        }
        List<Map<String, Object>> chapters = chapters(video, session.id());
        Map<String, Object> speech = speech(audio);
        Optional<Map<String, Object>> motion = motion(video, videoSeconds);
        Values.text(summary.get("summary"), MAX_SUMMARY).ifPresent(s -> doc.put("summary", s));
        List<String> highlights = Values.texts(summary.get("highlights"), 10, 500);
        List<String> actionItems = Values.texts(summary.get("actionItems"), 30, 300);
        List<String> keywords = Values.texts(summary.get("keywords"), 30, 60);

        doc.put("stats", stats(audio, video, chapters, highlights, actionItems, keywords));
        putIfNotEmpty(doc, "chapters", chapters);
        putIfNotEmpty(doc, "speech", speech);
        motion.ifPresent(m -> doc.put("motion", m));
        putIfNotEmpty(doc, "highlights", highlights);
        putIfNotEmpty(doc, "actionItems", actionItems);
        putIfNotEmpty(doc, "keywords", keywords);
        List<String> sources = new ArrayList<>();
        for (StageName stage : List.of(StageName.AUDIO, StageName.VIDEO, StageName.SUMMARY)) {
            if (!data(context, stage).isEmpty()) {
                sources.add(stage.id());
            }
        }
        doc.put("sources", sources);
        return doc;
    }

    private static Map<?, ?> data(StageContext context, StageName stage) {
        return context.useful(stage).map(StageResult::data).<Map<?, ?>>map(d -> d).orElse(Map.of());
    }

    private static Map<String, Object> stats(Map<?, ?> audio, Map<?, ?> video, List<?> chapters, List<?> highlights,
            List<?> actionItems, List<?> keywords) {
        Map<String, Object> stats = new LinkedHashMap<>();
        Values.number(audio.get("speechRatio"), 0, 1).ifPresent(r -> stats.put("speechRatio", Values.round(r, 3)));
        seconds(audio.get("longestPauseSeconds"))
                .ifPresent(s -> stats.put("longestPauseSeconds", Values.round(s, 3)));
        if (audio.get("segments") instanceof List<?> segments) {
            stats.put("speechSegments", segments.size());
        }
        Values.number(audio.get("rmsDbfs"), FLOOR_DBFS, 0).ifPresent(d -> stats.put("rmsDbfs", Values.round(d, 1)));
        Values.number(audio.get("peakDbfs"), FLOOR_DBFS, 0).ifPresent(d -> stats.put("peakDbfs", Values.round(d, 1)));
        Values.number(audio.get("clippingRatio"), 0, 1)
                .ifPresent(r -> stats.put("clippingRatio", Values.round(r, 4)));
        putCount(stats, "chapters", chapters);
        if (video.get("sceneChanges") instanceof List<?> changes) {
            stats.put("sceneChanges", changes.size());
        }
        putCount(stats, "highlights", highlights);
        putCount(stats, "actionItems", actionItems);
        putCount(stats, "keywords", keywords);
        return stats;
    }

    private static List<Map<String, Object>> chapters(Map<?, ?> video, String sessionId) {
        Pattern thumbnail = Pattern.compile("/api/v1/sessions/" + Pattern.quote(sessionId) + "/thumbnails/\\d{1,6}");
        List<Map<String, Object>> out = new ArrayList<>();
        List<Map<?, ?>> raw = Values.maps(video.get("chapters"));
        for (int i = 0; i < raw.size() && out.size() < MAX_CHAPTERS; i++) {
            Map<?, ?> c = raw.get(i);
            Optional<Tracks.Span> span = span(c);
            if (span.isEmpty()) {
                continue;
            }
            Map<String, Object> chapter = new LinkedHashMap<>();
            chapter.put("index", (int) Values.number(c.get("index"), 0, Integer.MAX_VALUE).orElse(i));
            chapter.put("start", span.get().start());
            chapter.put("end", span.get().end());
            Values.text(c.get("thumbnail"), 200).filter(t -> thumbnail.matcher(t).matches())
                    .ifPresent(t -> chapter.put("thumbnail", t));
            out.add(chapter);
        }
        out.sort(Comparator.comparingDouble(c -> (Double) c.get("start")));
        return out;
    }

    private static Map<String, Object> speech(Map<?, ?> audio) {
        Map<String, Object> speech = new LinkedHashMap<>();
        List<Tracks.Span> spans = new ArrayList<>();
        for (Map<?, ?> s : Values.maps(audio.get("segments"))) {
            span(s).ifPresent(spans::add);
        }
        if (!spans.isEmpty()) {
            spans.sort(Comparator.comparingDouble(Tracks.Span::start));
            if (spans.size() > MAX_POINTS) {
                double extent = spans.get(spans.size() - 1).end() - spans.get(0).start();
                spans = Tracks.merge(spans, extent / MAX_POINTS);
                spans = spans.subList(0, Math.min(spans.size(), MAX_POINTS));
                speech.put("segmentsMerged", true);
            }
            speech.put("segments", spans.stream()
                    .map(s -> Map.<String, Object>of("start", s.start(), "end", s.end())).toList());
        }
        List<Double> loudness = Values.numbers(audio.get("loudness")).stream()
                .map(d -> Math.max(FLOOR_DBFS, Math.min(0, d))).toList();
        if (!loudness.isEmpty()) {
            double step = Values.number(audio.get("loudnessStepSeconds"), 1e-3, MAX_SECONDS).orElse(1.0);
            Tracks.Downsampled down = Tracks.downsampleDbfs(loudness, MAX_POINTS);
            speech.put("loudness", down.values().stream().map(d -> Values.round(d, 1)).toList());
            speech.put("loudnessStepSeconds", Values.round(step * down.factor(), 3));
        }
        return speech;
    }

    private static Optional<Map<String, Object>> motion(Map<?, ?> video, OptionalDouble videoSeconds) {
        List<Double> activity = Values.numbers(video.get("activity")).stream()
                .map(d -> Math.max(0, Math.min(1, d))).toList();
        if (activity.isEmpty()) {
            return Optional.empty();
        }
        Tracks.Downsampled down = Tracks.downsamplePeak(activity, MAX_POINTS);
        Map<String, Object> motion = new LinkedHashMap<>();
        motion.put("values", down.values().stream().map(d -> Values.round(d, 3)).toList());
        videoSeconds.ifPresent(s -> motion.put("stepSeconds", Values.round(s / activity.size() * down.factor(), 3)));
        return Optional.of(motion);
    }

    private static Optional<Tracks.Span> span(Map<?, ?> m) {
        OptionalDouble start = seconds(m.get("start"));
        OptionalDouble end = seconds(m.get("end"));
        if (start.isEmpty() || end.isEmpty() || end.getAsDouble() < start.getAsDouble()) {
            return Optional.empty();
        }
        return Optional.of(new Tracks.Span(Values.round(start.getAsDouble(), 3), Values.round(end.getAsDouble(), 3)));
    }

    private static OptionalDouble seconds(@Nullable Object value) {
        return Values.number(value, 0, MAX_SECONDS);
    }

    private static void putCount(Map<String, Object> stats, String key, List<?> list) {
        if (!list.isEmpty()) {
            stats.put(key, list.size());
        }
    }

    private static void putIfNotEmpty(Map<String, Object> doc, String key, Object value) {
        boolean empty = value instanceof List<?> l ? l.isEmpty() : value instanceof Map<?, ?> m && m.isEmpty();
        if (!empty) {
            doc.put(key, value);
        }
    }
}
