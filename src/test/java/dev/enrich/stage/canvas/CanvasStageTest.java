package dev.enrich.stage.canvas;

import static dev.enrich.stage.canvas.CanvasFixtures.audio;
import static dev.enrich.stage.canvas.CanvasFixtures.context;
import static dev.enrich.stage.canvas.CanvasFixtures.summary;
import static dev.enrich.stage.canvas.CanvasFixtures.video;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.Chapter;
import dev.enrich.model.SessionSummary;
import dev.enrich.model.TimeSpan;
import dev.enrich.model.VideoAnalysis;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageState;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.testing.Json;
import dev.enrich.testing.Outputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

class CanvasStageTest {

    private final CanvasStage stage = new CanvasStage();

    @Test
    void buildsTheWholeDocumentFromAudioVideoAndSummary() {
        Map<String, Object> doc = Json.map(CanvasDocument.build(context("Standup", audio(), video(), summary())));

        assertThat(doc).containsEntry("title", "Release planning")
                .containsEntry("date", "2025-03-04T09:30:00Z")
                .containsEntry("durationSeconds", 120.5)
                .containsEntry("summary", "We planned the release. Docs are next.")
                .containsEntry("highlights", List.of("We planned the release.", "Docs are next."))
                .containsEntry("actionItems", List.of("Write the docs", "Tag v1.0"))
                .containsEntry("keywords", List.of("release", "docs"))
                .containsEntry("sources", List.of("audio", "video", "summary"))
                .doesNotContainKey("html");
        assertThat(map(doc.get("stats"))).containsEntry("speechRatio", 0.723).containsEntry("longestPauseSeconds", 14.25)
                .containsEntry("speechSegments", 2).containsEntry("rmsDbfs", -23.5).containsEntry("peakDbfs", -1.2)
                .containsEntry("clippingRatio", 0.0).containsEntry("chapters", 3).containsEntry("sceneChanges", 2)
                .containsEntry("actionItems", 2).containsEntry("keywords", 2).containsEntry("highlights", 2);
        assertThat(list(doc.get("chapters"))).containsExactly(
                Map.of("index", 0, "start", 0.0, "end", 40.0, "thumbnail", "/api/v1/sessions/s-1/thumbnails/0"),
                Map.of("index", 1, "start", 40.0, "end", 80.0, "thumbnail", "/api/v1/sessions/s-1/thumbnails/1"),
                Map.of("index", 2, "start", 80.0, "end", 118.0, "thumbnail", "/api/v1/sessions/s-1/thumbnails/2"));
        Map<Object, Object> speech = map(doc.get("speech"));
        assertThat(list(speech.get("segments"))).containsExactly(Map.of("start", 1.0, "end", 30.5),
                Map.of("start", 44.75, "end", 110.0));
        assertThat(list(speech.get("loudness"))).hasSize(121);
        assertThat(speech.get("loudnessStepSeconds")).isEqualTo(1.0);
        assertThat(map(doc.get("motion"))).containsEntry("values", List.of(0.0, 0.1, 0.9, 0.2))
                .containsEntry("stepSeconds", 29.5);
    }

    @Test
    void usesOnlyTheAudioWhenThatIsAllThereIs() {
        Map<String, Object> doc = Json.map(CanvasDocument.build(context("Standup", audio())));

        assertThat(doc).containsEntry("title", "Standup").containsEntry("durationSeconds", 120.5)
                .containsKeys("speech", "stats").doesNotContainKeys("chapters", "motion", "summary", "highlights",
                        "actionItems", "keywords")
                .containsEntry("sources", List.of("audio"));
        assertThat(map(doc.get("stats"))).containsOnlyKeys("speechRatio", "longestPauseSeconds", "speechSegments",
                "rmsDbfs", "peakDbfs", "clippingRatio");
    }

    @Test
    void usesOnlyTheSummaryWhenThatIsAllThereIs() {
        Map<String, Object> doc = Json.map(CanvasDocument.build(context("Standup", summary())));

        assertThat(doc).containsEntry("title", "Release planning").containsKeys("summary", "highlights",
                "actionItems", "keywords").doesNotContainKeys("durationSeconds", "speech", "chapters", "motion");
        assertThat(map(doc.get("stats"))).containsOnlyKeys("highlights", "actionItems", "keywords");
    }

    @Test
    void usesOnlyTheVideoWhenThatIsAllThereIs() {
        Map<String, Object> doc = Json.map(CanvasDocument.build(context("Demo", video())));

        assertThat(doc).containsEntry("title", "Demo").containsEntry("durationSeconds", 118.0)
                .containsKeys("chapters", "motion").doesNotContainKeys("speech", "summary");
        assertThat(map(doc.get("stats"))).containsEntry("chapters", 3).containsEntry("sceneChanges", 2);
    }

    @Test
    void ignoresFailedUpstreamButUsesDegradedResults() {
        StageResult failedAudio = StageResult.failed(StageName.AUDIO, "That audio file looks damaged.");
        StageResult degradedSummary = StageResult.degraded(StageName.SUMMARY, summary().data(), "Basic summary.");

        Map<String, Object> doc = Json.map(CanvasDocument.build(context("Standup", failedAudio, degradedSummary)));

        assertThat(doc).doesNotContainKey("speech").containsEntry("summary", "We planned the release. Docs are next.")
                .containsEntry("sources", List.of("summary"));
    }

    @Test
    void dropsOutOfRangeValues() {
        AudioAnalysis hostileAudio = new AudioAnalysis(Double.NaN, 16000, 1, 16, 12.0, -1.0, 0.0, 1.5, -3.0,
                List.of(new TimeSpan(5.0, 2.0), new TimeSpan(Double.NaN, 2.0), new TimeSpan(1.0, 2.0)), false,
                List.of(-20.0, Double.POSITIVE_INFINITY, 40.0, -500.0), null, List.of(), false, null);
        VideoAnalysis hostileVideo = Outputs.video(1e12, List.of(
                        new Chapter(0, 0.0, 10.0, "javascript:alert(1)"),
                        new Chapter(1, 10.0, 20.0, "/api/v1/sessions/other/thumbnails/1"),
                        new Chapter(-4, 20.0, 30.0, "https://evil.example/x.png"),
                        new Chapter(3, 30.0, Double.NaN, null)),
                List.of(), List.of());
        SessionSummary hostileSummary = Outputs.summary("  ", "   ", List.of("", "Real one.", " "), List.of(),
                List.of("  "));

        Map<String, Object> doc = Json.map(CanvasDocument.build(context("Fallback title",
                StageResult.succeeded(StageName.AUDIO, hostileAudio),
                StageResult.succeeded(StageName.VIDEO, hostileVideo),
                StageResult.succeeded(StageName.SUMMARY, hostileSummary))));

        assertThat(doc).containsEntry("title", "Fallback title").doesNotContainKeys("durationSeconds", "summary",
                "keywords", "actionItems", "motion").containsEntry("highlights", List.of("Real one."));
        assertThat(map(doc.get("stats"))).doesNotContainKeys("speechRatio", "longestPauseSeconds", "rmsDbfs");
        Map<Object, Object> speech = map(doc.get("speech"));
        assertThat(list(speech.get("segments"))).containsExactly(Map.of("start", 1.0, "end", 2.0));
        assertThat(list(speech.get("loudness"))).containsExactly(-20.0, 0.0, -120.0);
        List<Object> chapters = list(doc.get("chapters"));
        assertThat(chapters).hasSize(3).allSatisfy(c -> assertThat(map(c)).doesNotContainKey("thumbnail"));
        assertThat(map(chapters.get(2))).containsEntry("index", 2);
    }

    @Test
    void capsLongTracksAtSixHundredPointsByMergingCloseSegments() {
        // 500 bursts a minute apart, each of 4 segments 0.5 s apart: 2,000 segments that merge into 500.
        List<TimeSpan> segments = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            double start = (i / 4) * 60.0 + (i % 4) * 2.0;
            segments.add(new TimeSpan(start, start + 1.5));
        }
        AudioAnalysis longAudio = new AudioAnalysis(30_000.0, 16000, 1, 16, -20.0, -1.0, 0.0, 0.2, 60.0, segments,
                true, CanvasFixtures.loudness(3600), 8, List.of(), false, null);

        Map<String, Object> doc = Json.map(CanvasDocument.build(context("Long",
                StageResult.succeeded(StageName.AUDIO, longAudio))));

        Map<Object, Object> speech = map(doc.get("speech"));
        List<Object> merged = list(speech.get("segments"));
        assertThat(merged).hasSize(500);
        assertThat(merged.get(0)).isEqualTo(Map.of("start", 0.0, "end", 7.5));
        assertThat(merged.get(499)).isEqualTo(Map.of("start", 29_940.0, "end", 29_947.5));
        assertThat(speech.get("segmentsMerged")).isEqualTo(true);
        assertThat(list(speech.get("loudness"))).hasSize(600);
        assertThat(speech.get("loudnessStepSeconds")).isEqualTo(48.0);
        assertThat(map(doc.get("stats"))).containsEntry("speechSegments", 2000);
    }

    @Test
    void averagesLoudnessAsPowerWhenDownsampling() {
        Tracks.Downsampled down = Tracks.downsampleDbfs(List.of(-10.0, -120.0, -20.0, -20.0), 2);

        assertThat(down.factor()).isEqualTo(2);
        assertThat(down.values().get(0)).isCloseTo(-13.01, org.assertj.core.data.Offset.offset(0.01));
        assertThat(down.values().get(1)).isCloseTo(-20.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void keepsTheDocumentSmall() {
        AudioAnalysis longAudio = Outputs.audio(3600.0, 0.5, 0, List.of(), CanvasFixtures.loudness(3600));
        Map<String, Object> doc = Json.map(CanvasDocument.build(context("Long",
                StageResult.succeeded(StageName.AUDIO, longAudio), video(), summary())));

        assertThat(JsonMapper.builder().build().writeValueAsString(doc)).hasSizeLessThan(10_000);
    }

    @Test
    void reportsProgressThenSucceedsWithTheDocument() {
        StepVerifier.create(stage.run(context("Standup", audio(), summary())))
                .expectNext(StageUpdate.progress(0.1, "Drawing canvas..."))
                .assertNext(update -> {
                    StageResult result = ((StageUpdate.Done) update).result();
                    assertThat(result.stage()).isEqualTo(StageName.CANVAS);
                    assertThat(result.state()).isEqualTo(StageState.SUCCEEDED);
                    assertThat(Json.map(result.data())).containsEntry("title", "Release planning")
                            .doesNotContainKey("html");
                })
                .verifyComplete();
    }

    @Test
    void isSkippedWhenNoOtherStageProducedAnything() {
        assertThat(stage.missingInput(context("Standup", StageResult.skipped(StageName.AUDIO, "No audio."))))
                .contains("Nothing to draw: no other stage produced results.");
        assertThat(stage.missingInput(context("Standup", summary()))).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<Object, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }
}
