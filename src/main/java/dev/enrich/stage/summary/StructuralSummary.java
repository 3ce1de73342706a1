package dev.enrich.stage.summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Describe a session with no text from its audio and video facts: "A 12-minute session in 4 chapters, 70% speech.",
 * with one highlight line per medium ("Audio: 70% speech in 23 segments, longest pause 0:42.").
 */
final class StructuralSummary {

    private StructuralSummary() {}

    /** Return the summary of a session described only by {@code facts}. */
    static Summary of(String sessionTitle, Facts facts) {
        String lead = lead(facts);
        StringBuilder summary = new StringBuilder("A ").append(lead);
        if (facts.chapters() != null && facts.chapters() > 0) {
            summary.append(" in ").append(count(facts.chapters(), "chapter", "chapters"));
        }
        if (facts.speechRatio() != null) {
            summary.append(", ").append(percent(facts.speechRatio())).append(" speech");
        }
        summary.append('.');
        List<String> highlights = new ArrayList<>(2);
        audioLine(facts, highlights);
        videoLine(facts, highlights);
        String title = Titles.forStructure(sessionTitle, Titles.capitalise(lead));
        return new Summary(title, summary.toString(), highlights, List.of(), ActionItems.Found.NONE, Summary.STRUCTURE);
    }

    private static String lead(Facts f) {
        if (f.durationSeconds() != null) {
            return duration(f.durationSeconds()) + " session";
        }
        if (f.screenshots() != null) {
            return "session of " + count(f.screenshots(), "screenshot", "screenshots");
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

    private static void audioLine(Facts f, List<String> out) {
        List<String> parts = new ArrayList<>();
        if (f.speechRatio() != null) {
            String speech = percent(f.speechRatio()) + " speech";
            if (f.speechSegments() != null && f.speechSegments() > 0) {
                speech += " in " + count(f.speechSegments(), "segment", "segments");
            }
            parts.add(speech);
        }
        if (f.longestPauseSeconds() != null && f.longestPauseSeconds() > 0) {
            parts.add("longest pause " + clock(f.longestPauseSeconds()));
        }
        if (!parts.isEmpty()) {
            out.add("Audio: " + String.join(", ", parts) + ".");
        }
    }

    private static void videoLine(Facts f, List<String> out) {
        List<String> parts = new ArrayList<>();
        if (f.screenshots() != null) {
            parts.add(count(f.screenshots(), "screenshot", "screenshots"));
        }
        if (f.chapters() != null && f.chapters() > 0) {
            parts.add(count(f.chapters(), "chapter", "chapters"));
        }
        if (f.sceneChanges() != null) {
            parts.add(count(f.sceneChanges(), "scene change", "scene changes"));
        }
        if (f.width() != null && f.height() != null) {
            parts.add(f.width() + "x" + f.height());
        }
        if (!parts.isEmpty()) {
            out.add("Video: " + String.join(", ", parts) + ".");
        }
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
