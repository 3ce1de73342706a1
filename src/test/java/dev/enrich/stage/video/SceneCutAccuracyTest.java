package dev.enrich.stage.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.RequiredTool;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Measure the video stage's scene cuts on {@link SceneClips}' labelled set, made with ffmpeg: precision and recall
 * within ±0.5 s (one-to-one matching). Prints the table per clip; skipped where ffmpeg is missing unless
 * {@code ENRICH_VIDEO_TESTS=required} (or on CI).
 */
class SceneCutAccuracyTest {

    static final double TOLERANCE = 0.5;
    private static final double BAR = 0.9;

    @Test
    void cutsAgreeWithTheLabelsOnTheClipSet() throws Exception {
        RequiredTool.assume(SceneClips.ffmpegAvailable(), "ffmpeg (with libx264)", "sudo apt-get install -y ffmpeg",
                "SceneCutAccuracyTest", RequiredTool.onCi() || "required".equals(System.getenv("ENRICH_VIDEO_TESTS")),
                "CI or ENRICH_VIDEO_TESTS=required");
        Path dir = Files.createDirectories(Path.of("target", "scene-clips"));
        List<SceneClips.Clip> clips = SceneClips.all();
        assertThat(clips).hasSizeGreaterThanOrEqualTo(12);

        CutScore total = new CutScore(0, 0, 0);
        StringBuilder table = new StringBuilder(
                "| clip | shows | encoding | labelled cuts (s) | detected (s) | TP | FP | FN | precision | recall |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (SceneClips.Clip clip : clips) {
            List<Double> detected = detect(SceneClips.make(clip, dir), VideoSettings.defaults());
            CutScore score = CutScore.of(clip.cuts(), detected, TOLERANCE);
            total = total.plus(score);
            table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d | %d | %d | %.2f | %.2f |%n",
                    clip.name(), clip.shows(), clip.label(), times(clip.cuts()), times(detected),
                    score.truePositives(), score.falsePositives(), score.falseNegatives(), score.precision(),
                    score.recall()));
        }
        table.append(String.format(Locale.ROOT, "| **all %d clips** | | | | | %d | %d | %d | **%.3f** | **%.3f** |%n",
                clips.size(), total.truePositives(), total.falsePositives(), total.falseNegatives(),
                total.precision(), total.recall()));
        System.out.println(table);
        Files.writeString(dir.resolve("table.md"), table);

        assertThat(total.precision()).as("precision over the set\n%s", table).isGreaterThanOrEqualTo(BAR);
        assertThat(total.recall()).as("recall over the set\n%s", table).isGreaterThanOrEqualTo(BAR);
    }

    /** Run the stage's analysis over {@code mp4} and return the scene changes it reports. */
    static List<Double> detect(Path mp4, VideoSettings settings) throws IOException {
        FileChannel channel = FileChannel.open(mp4, StandardOpenOption.READ);
        try (VideoAnalyzer analyzer = new VideoAnalyzer(Mp4FrameSource.open(channel, settings.sampleFps()), settings,
                (index, image) -> true)) {
            while (analyzer.step()) {
                // analyse every sampled frame
            }
            return new ArrayList<>(analyzer.result("clip").sceneChanges());
        }
    }

    private static String times(List<Double> seconds) {
        return seconds.isEmpty() ? "—"
                : seconds.stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).collect(Collectors.joining(", "));
    }
}
