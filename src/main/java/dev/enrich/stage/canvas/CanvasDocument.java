package dev.enrich.stage.canvas;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.Canvas;
import dev.enrich.model.Chapter;
import dev.enrich.model.SessionSummary;
import dev.enrich.model.TimeSpan;
import dev.enrich.model.VideoAnalysis;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.session.Session;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Build the canvas from the session and whatever useful upstream results exist; any subset of results works. Times
 * outside 0..{@value #MAX_SECONDS} seconds and non-finite values are left out, levels and activity clamped to their
 * ranges, and thumbnails kept only when they are this session's.
 *
 * <p>Tracks hold at most {@value #MAX_POINTS} points: close speech segments are merged (then
 * {@link Canvas.Speech#segmentsMerged()} is true) and value tracks downsampled; text lists are capped (10 highlights,
 * 30 action items, 30 keywords, 200 chapters). {@link AiCanvasStage} may add a narrative.
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

    /** Return the canvas for a stage context. */
    static Canvas build(StageContext context) {
        Session session = context.session();
        AudioAnalysis audio = context.useful(AudioAnalysis.class).orElse(null);
        VideoAnalysis video = context.useful(VideoAnalysis.class).orElse(null);
        SessionSummary summary = context.useful(SessionSummary.class).orElse(null);
        Double videoSeconds = video == null ? null : seconds(video.durationSeconds());
        List<Chapter> chapters = video == null ? List.of() : chapters(video, session.id());
        List<String> highlights = summary == null ? List.of() : texts(summary.highlights(), 10, 500);
        List<String> actionItems = summary == null ? List.of() : texts(summary.actionItems(), 30, 300);
        List<String> keywords = summary == null ? List.of() : texts(summary.keywords(), 30, 60);
        String title = text(summary == null ? null : summary.title(), MAX_TITLE)
                .or(() -> text(session.title(), MAX_TITLE)).orElse("Session");
        return new Canvas(title, session.createdAt(), duration(audio, videoSeconds),
                summary == null ? null : text(summary.summary(), MAX_SUMMARY).orElse(null),
                stats(audio, video, chapters, highlights, actionItems, keywords), chapters,
                audio == null ? null : speech(audio), video == null ? null : motion(video, videoSeconds),
                highlights, actionItems, keywords, sources(context), null);
    }

    private static @Nullable Double duration(@Nullable AudioAnalysis audio, @Nullable Double videoSeconds) {
        Double audioSeconds = audio == null ? null : seconds(audio.durationSeconds());
        if (audioSeconds == null && videoSeconds == null) {
            return null;
        }
        return round(Math.max(audioSeconds == null ? 0 : audioSeconds, videoSeconds == null ? 0 : videoSeconds), 3);
    }

    private static List<String> sources(StageContext context) {
        return List.of(StageName.AUDIO, StageName.VIDEO, StageName.SUMMARY).stream()
                .filter(stage -> context.useful(stage).isPresent()).map(StageName::id).toList();
    }

    private static Canvas.Stats stats(@Nullable AudioAnalysis audio, @Nullable VideoAnalysis video,
            List<Chapter> chapters, List<String> highlights, List<String> actionItems, List<String> keywords) {
        return new Canvas.Stats(
                audio == null ? null : rounded(within(audio.speechRatio(), 0, 1), 3),
                audio == null ? null : rounded(seconds(audio.longestPauseSeconds()), 3),
                audio == null ? null : audio.segments().size(),
                audio == null ? null : rounded(within(audio.rmsDbfs(), FLOOR_DBFS, 0), 1),
                audio == null ? null : rounded(within(audio.peakDbfs(), FLOOR_DBFS, 0), 1),
                audio == null ? null : rounded(within(audio.clippingRatio(), 0, 1), 4),
                count(chapters),
                video == null ? null : video.sceneChanges().size(),
                count(highlights),
                count(actionItems),
                count(keywords));
    }

    private static List<Chapter> chapters(VideoAnalysis video, String sessionId) {
        Pattern thumbnail = Pattern.compile("/api/v1/sessions/" + Pattern.quote(sessionId) + "/thumbnails/\\d{1,6}");
        List<Chapter> out = new ArrayList<>();
        List<Chapter> chapters = video.chapters();
        for (int i = 0; i < chapters.size() && out.size() < MAX_CHAPTERS; i++) {
            Chapter c = chapters.get(i);
            int index = c.index() >= 0 ? c.index() : i;
            String path = c.thumbnail() != null && thumbnail.matcher(c.thumbnail()).matches() ? c.thumbnail() : null;
            span(c.start(), c.end()).ifPresent(span -> out.add(new Chapter(index, span.start(), span.end(), path)));
        }
        out.sort(Comparator.comparingDouble(Chapter::start));
        return out;
    }

    private static Canvas.@Nullable Speech speech(AudioAnalysis audio) {
        List<TimeSpan> spans = new ArrayList<>();
        for (TimeSpan s : audio.segments()) {
            span(s.start(), s.end()).ifPresent(spans::add);
        }
        spans.sort(Comparator.comparingDouble(TimeSpan::start));
        boolean merged = spans.size() > MAX_POINTS;
        if (merged) {
            double extent = spans.get(spans.size() - 1).end() - spans.get(0).start();
            spans = Tracks.merge(spans, extent / MAX_POINTS);
            spans = spans.subList(0, Math.min(spans.size(), MAX_POINTS));
        }
        List<Double> loudness = audio.loudness().stream().filter(Double::isFinite)
                .map(d -> Math.max(FLOOR_DBFS, Math.min(0, d))).toList();
        if (spans.isEmpty() && loudness.isEmpty()) {
            return null;
        }
        Tracks.Downsampled down = Tracks.downsampleDbfs(loudness, MAX_POINTS);
        Integer step = audio.loudnessStepSeconds();
        return new Canvas.Speech(merged, spans, down.values().stream().map(d -> round(d, 1)).toList(),
                loudness.isEmpty() ? null : round((step == null ? 1.0 : step) * down.factor(), 3));
    }

    private static Canvas.@Nullable Motion motion(VideoAnalysis video, @Nullable Double videoSeconds) {
        List<Double> activity = video.activity().stream().filter(Double::isFinite)
                .map(d -> Math.max(0, Math.min(1, d))).toList();
        if (activity.isEmpty()) {
            return null;
        }
        Tracks.Downsampled down = Tracks.downsamplePeak(activity, MAX_POINTS);
        return new Canvas.Motion(down.values().stream().map(d -> round(d, 3)).toList(),
                videoSeconds == null ? null : round(videoSeconds / activity.size() * down.factor(), 3));
    }

    private static Optional<TimeSpan> span(double start, double end) {
        Double s = seconds(start);
        Double e = seconds(end);
        return s == null || e == null || e < s ? Optional.empty() : Optional.of(new TimeSpan(round(s, 3), round(e, 3)));
    }

    private static @Nullable Double seconds(@Nullable Double value) {
        return value == null ? null : within(value, 0, MAX_SECONDS);
    }

    /** Return {@code value} when it is finite and within bounds, else null. */
    private static @Nullable Double within(double value, double min, double max) {
        return Double.isFinite(value) && value >= min && value <= max ? value : null;
    }

    private static @Nullable Double rounded(@Nullable Double value, int decimals) {
        return value == null ? null : round(value, decimals);
    }

    private static @Nullable Integer count(List<?> list) {
        return list.isEmpty() ? null : list.size();
    }

    /** Return {@code value} rounded to {@code decimals} places. */
    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** Return the non-blank stripped {@code value} cut to {@code maxLength} characters with an ellipsis, or empty. */
    static Optional<String> text(@Nullable String value, int maxLength) {
        String s = value == null ? "" : value.strip();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.length() <= maxLength) {
            return Optional.of(s);
        }
        int end = Math.max(0, maxLength - 1);
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return Optional.of(s.substring(0, end).stripTrailing() + "…");
    }

    private static List<String> texts(List<String> values, int maxItems, int maxLength) {
        return values.stream().map(v -> text(v, maxLength)).flatMap(Optional::stream).limit(maxItems).toList();
    }
}
