package dev.enrich.testing;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.Canvas;
import dev.enrich.model.Chapter;
import dev.enrich.model.SessionSummary;
import dev.enrich.model.StageOutput;
import dev.enrich.model.TimeSpan;
import dev.enrich.model.VideoAnalysis;
import dev.enrich.pipeline.StageName;
import java.time.Instant;
import java.util.List;

/** Build stage outputs for tests that script stages or feed a stage its upstream results. */
public final class Outputs {

    private Outputs() {}

    /** Return a small output of the type {@code stage} produces. */
    public static StageOutput of(StageName stage) {
        return switch (stage) {
            case AUDIO -> audio(1.0, 0.9, 0.0, List.of(new TimeSpan(0.05, 0.95)), List.of(-15.1));
            case VIDEO -> video(3.0, List.of(new Chapter(0, 0, 3, null)), List.of(), List.of(0.0, 0.1, 0.0));
            case SUMMARY -> summary("Standup", "We shipped it.", List.of("We shipped it."), List.of("docs"),
                    List.of("Write the docs"));
            case CANVAS -> new Canvas("Standup", Instant.EPOCH, 1.0, "We shipped it.",
                    new Canvas.Stats(null, null, null, null, null, null, null, null, null, null, null), List.of(),
                    null, null, List.of(), List.of(), List.of(), List.of("summary"), null);
        };
    }

    /** Return a 16 kHz mono 16-bit audio result with the given speech and loudness, and no transcript. */
    public static AudioAnalysis audio(double durationSeconds, double speechRatio, double longestPauseSeconds,
            List<TimeSpan> segments, List<Double> loudness) {
        return new AudioAnalysis(durationSeconds, 16000, 1, 16, -23.5, -1.2, 0.0, speechRatio, longestPauseSeconds,
                segments, false, loudness, null, List.of(), false, null);
    }

    /** Return a 1280x720 MP4 video result sampled at 2 fps, without captions. */
    public static VideoAnalysis video(double durationSeconds, List<Chapter> chapters, List<Double> sceneChanges,
            List<Double> activity) {
        return new VideoAnalysis(VideoAnalysis.Source.MP4, durationSeconds, (int) (durationSeconds * 2), 1280, 720,
                sceneChanges, false, chapters, false, activity, null, List.of());
    }

    /** Return a summary of the session's text. */
    public static SessionSummary summary(String title, String summary, List<String> highlights, List<String> keywords,
            List<String> actionItems) {
        return new SessionSummary(title, summary, highlights, keywords, actionItems, SessionSummary.Source.TEXT,
                false, null, null);
    }
}
