package dev.enrich.stage.summary;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.SessionSummary;
import dev.enrich.model.VideoAnalysis;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Describe a session with no text from its audio and video facts: "A 12-minute session in 4 chapters, 70% speech.",
 * with one highlight line per medium ("Audio: 70% speech in 23 segments, longest pause 0:42.").
 */
final class StructuralSummary {

    private StructuralSummary() {}

    /** Return the summary of a session described only by its audio and video results; either may be absent. */
    static SessionSummary of(String sessionTitle, @Nullable AudioAnalysis audio, @Nullable VideoAnalysis video) {
        String lead = lead(audio, video);
        StringBuilder summary = new StringBuilder("A ").append(lead);
        if (video != null && !video.chapters().isEmpty()) {
            summary.append(" in ").append(count(video.chapters().size(), "chapter", "chapters"));
        }
        if (audio != null) {
            summary.append(", ").append(percent(audio.speechRatio())).append(" speech");
        }
        summary.append('.');
        List<String> highlights = new ArrayList<>(2);
        if (audio != null) {
            audioLine(audio, highlights);
        }
        if (video != null) {
            videoLine(video, highlights);
        }
        String title = Titles.forStructure(sessionTitle, Titles.capitalise(lead));
        return new SessionSummary(title, summary.toString(), highlights, List.of(), List.of(),
                SessionSummary.Source.STRUCTURE, false, null, null);
    }

    private static String lead(@Nullable AudioAnalysis audio, @Nullable VideoAnalysis video) {
        if (audio != null && audio.durationSeconds() > 0) {
            return duration(audio.durationSeconds()) + " session";
        }
        Double videoSeconds = video == null ? null : video.durationSeconds();
        if (videoSeconds != null && videoSeconds > 0) {
            return duration(videoSeconds) + " session";
        }
        if (video != null && video.source() == VideoAnalysis.Source.FRAMES) {
            return "session of " + count(video.sampledFrames(), "screenshot", "screenshots");
        }
        return "session";
    }

    /** Return e.g. "45-second", "12-minute", "2.5-hour". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "-second";
        }
        long minutes = Math.round(seconds / 60);
        if (minutes < 120) {
            return minutes + "-minute";
        }
        double hours = Math.round(seconds / 1800) / 2.0;
        return (hours == Math.rint(hours) ? String.valueOf((long) hours) : String.valueOf(hours)) + "-hour";
    }

    private static void audioLine(AudioAnalysis audio, List<String> out) {
        String speech = percent(audio.speechRatio()) + " speech";
        if (!audio.segments().isEmpty()) {
            speech += " in " + count(audio.segments().size(), "segment", "segments");
        }
        if (audio.longestPauseSeconds() > 0) {
            speech += ", longest pause " + clock(audio.longestPauseSeconds());
        }
        out.add("Audio: " + speech + ".");
    }

    private static void videoLine(VideoAnalysis video, List<String> out) {
        List<String> parts = new ArrayList<>();
        if (video.source() == VideoAnalysis.Source.FRAMES) {
            parts.add(count(video.sampledFrames(), "screenshot", "screenshots"));
        }
        if (!video.chapters().isEmpty()) {
            parts.add(count(video.chapters().size(), "chapter", "chapters"));
        }
        parts.add(count(video.sceneChanges().size(), "scene change", "scene changes"));
        if (video.width() > 0 && video.height() > 0) {
            parts.add(video.width() + "x" + video.height());
        }
        out.add("Video: " + String.join(", ", parts) + ".");
    }

    private static String percent(double ratio) {
        return Math.round(Math.max(0, Math.min(1, ratio)) * 100) + "%";
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** Return e.g. "0:42", "12:04", "1:02:03". */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
