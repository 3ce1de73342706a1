package dev.enrich.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.testing.Fixtures;
import dev.enrich.testing.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read replies that differ from OpenAI's own: plain json transcripts, missing usage, odd segments. */
class OpenAiWireTest {

    private final OpenAiWire wire = new OpenAiWire(Json.mapper());

    @TempDir
    Path dir;

    @Test
    void plainJsonTranscriptFallsBackToTheWavHeaderDuration() throws IOException {
        Path wav = Files.write(dir.resolve("h.wav"), Fixtures.wav(12.5, 16000));

        Transcription t = wire.parseTranscription("{\"text\":\" hello world \"}", 60, WavHeader.seconds(wav));

        assertThat(t.text()).isEqualTo("hello world");
        assertThat(t.segments()).isEmpty();
        assertThat(t.audioSeconds()).isEqualTo(12.5);
    }

    @Test
    void segmentTimesAreRoundedToMillisecondsAndNeverEndBeforeTheyStart() {
        Transcription t = wire.parseTranscription("""
                {"text": "a", "duration": 3.0, "segments": [{"start": 1.23456, "end": 0.5, "text": " a "}]}""",
                0.1, -1);

        assertThat(t.segments()).containsExactly(new Transcription.Segment(1.335, 1.335, "a"));
    }

    @Test
    void chatReplyWithoutUsageCountsZeroAndKeepsTheRequestedModel() {
        ChatReply reply = wire.parseChat("{\"choices\":[{\"message\":{\"content\":\"hi\"}}]}", "local-llm");

        assertThat(reply).isEqualTo(new ChatReply("hi", "local-llm", 0, 0));
    }

    @Test
    void replyWithoutContentIsPermanentlyMalformed() {
        assertThatThrownBy(() -> wire.parseChat("{\"choices\":[]}", "m"))
                .isInstanceOfSatisfying(AiException.class,
                        e -> assertThat(e.kind()).isEqualTo(AiException.Kind.PERMANENT))
                .hasMessageContaining("no choices[0].message.content");
    }

    @Test
    void wavHeaderOfANonWavIsUnknown() throws IOException {
        Path notWav = Files.writeString(dir.resolve("x.wav"), "not a wav at all");

        assertThat(WavHeader.seconds(notWav)).isEqualTo(-1);
    }
}
