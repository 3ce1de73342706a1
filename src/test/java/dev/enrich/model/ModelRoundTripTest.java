package dev.enrich.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.json.JsonTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Write every stage output with the application's JsonMapper and read it back, as its own type and as a
 * {@link StageOutput} (deduced from its fields): equal both ways, with every optional field set and with none.
 */
@JsonTest
class ModelRoundTripTest {

    @Autowired
    JsonMapper json;

    static Stream<StageOutput> outputs() {
        Chapter plain = new Chapter(0, 0.0, 4.5, null);
        Chapter full = new Chapter(1, 4.5, 9.0, "/api/v1/sessions/s/thumbnails/1", "A slide about the roadmap.");
        return Stream.of(
                new AudioAnalysis(9.0, 16000, 1, 16, -16.5, -10.4, 0.0, 0.5, 1.5, List.of(new TimeSpan(1.0, 3.0)),
                        false, List.of(-60.0, -13.5), null, List.of(), false, null),
                new AudioAnalysis(9000.0, 48000, 2, 24, -20.1, -0.1, 0.0001, 0.75, 42.0,
                        List.of(new TimeSpan(1.0, 3.0), new TimeSpan(4.5, 7.0)), true, List.of(-30.0), 4,
                        List.of(new TranscriptSegment(1.0, 3.0, "Hello."), new TranscriptSegment(null, null, "Hi.")),
                        true, AudioAnalysis.TRANSCRIPT_BY_AI),
                new VideoAnalysis(VideoAnalysis.Source.FRAMES, null, 12, 640, 360, List.of(), false, List.of(plain),
                        false, List.of(0.0), null, List.of()),
                new VideoAnalysis(VideoAnalysis.Source.MP4, 9.0, 9, 320, 180, List.of(4.5), true,
                        List.of(plain, full), true, List.of(0.0, 0.7), 2.5, List.of("A slide about the roadmap.")),
                new SessionSummary("Standup", "We shipped.", List.of("We shipped."), List.of("ship"), List.of(),
                        SessionSummary.Source.TEXT, false, null, null),
                new SessionSummary("A 2-minute session", "A 2-minute session.", List.of(), List.of(),
                        List.of("Tag v1"), SessionSummary.Source.STRUCTURE, true, 5000, 400),
                new Canvas("Standup", Instant.parse("2026-01-02T03:04:05Z"), null, null,
                        new Canvas.Stats(null, null, null, null, null, null, null, null, null, null, null), List.of(),
                        null, null, List.of(), List.of(), List.of(), List.of("summary"), null),
                new Canvas("Standup", Instant.parse("2026-01-02T03:04:05.123Z"), 9.0, "We shipped.",
                        new Canvas.Stats(0.5, 1.5, 2, -16.5, -10.4, 0.0, 2, 1, 1, 1, 1), List.of(plain, full),
                        new Canvas.Speech(true, List.of(new TimeSpan(1.0, 3.0)), List.of(-13.5), 1.0),
                        new Canvas.Motion(List.of(0.1, 0.9), 4.5), List.of("We shipped."), List.of("Tag v1"),
                        List.of("ship"), List.of("audio", "video", "summary"), "It went well."));
    }

    @ParameterizedTest
    @MethodSource("outputs")
    void readsBackWhatItWrites(StageOutput output) {
        String written = json.writeValueAsString(output);

        assertThat(json.readValue(written, output.getClass())).isEqualTo(output);
        assertThat(json.readValue(written, StageOutput.class)).isEqualTo(output);
    }

    @Test
    void leavesOutAbsentFlagsAndEmptyOptionalLists() {
        JsonNode audio = json.valueToTree(outputs().findFirst().orElseThrow());

        assertThat(audio.propertyNames()).containsExactlyInAnyOrder("durationSeconds", "sampleRate", "channels",
                "bitsPerSample", "rmsDbfs", "peakDbfs", "clippingRatio", "speechRatio", "longestPauseSeconds",
                "segments", "loudness");
    }

    @Test
    void writesEnumsAndInstantsAsTheirWireNames() {
        List<JsonNode> trees = outputs().map(o -> (JsonNode) json.valueToTree(o)).toList();

        assertThat(trees.get(2).path("source").asString()).isEqualTo("frames");
        assertThat(trees.get(4).path("source").asString()).isEqualTo("text");
        assertThat(trees.get(6).path("date").asString()).isEqualTo("2026-01-02T03:04:05Z");
    }
}
