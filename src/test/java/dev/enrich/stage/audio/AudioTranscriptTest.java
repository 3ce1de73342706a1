package dev.enrich.stage.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.local.LocalDirectoryMediaStore;
import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.TranscriptSegment;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import dev.enrich.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

class AudioTranscriptTest {

    @TempDir
    Path dir;

    @Test
    void uploadedWebVttTranscriptComesOutAsTimedSegments() {
        MediaStore store = new LocalDirectoryMediaStore(dir);
        MediaStore.Stored wav = store.store("t", "s", Flux.just(DefaultDataBufferFactory.sharedInstance
                .wrap(Fixtures.wav(1, 8000))), 1 << 20).block(Duration.ofSeconds(5));
        String vtt = "WEBVTT\n\n00:00.000 --> 00:01.500\nHello team.\n\n00:01.500 --> 00:03.000\nLet's ship it.\n";
        // Stored like an uploaded transcript: the stage reads it from the store when the audio is done.
        MediaStore.Stored text = store.store("t", "s", Flux.just(DefaultDataBufferFactory.sharedInstance
                .wrap(vtt.getBytes(StandardCharsets.UTF_8))), 1 << 20).block(Duration.ofSeconds(5));
        Session session = new Session("s", "t", "Standup", null, SessionText.stored(text.key(), vtt),
                List.of(new MediaRef(MediaKind.AUDIO, wav.key(), wav.size(), "audio/wav", "a.wav")), Instant.EPOCH);

        StageUpdate last = new AudioStage().run(new StageContext("j", session, Map.of(), store))
                .last().block(Duration.ofSeconds(10));

        AudioAnalysis data = ((StageUpdate.Done) last).result().data(AudioAnalysis.class).orElseThrow();
        assertThat(data.transcript()).containsExactly(new TranscriptSegment(0.0, 1.5, "Hello team."),
                new TranscriptSegment(1.5, 3.0, "Let's ship it."));
        assertThat(data.durationSeconds()).isPositive();
        assertThat(data.transcriptSource()).isNull();
    }
    @Test
    void aMillionCharacterTranscriptIsCarriedInTheResultOnlyInPart() {
        MediaStore store = new LocalDirectoryMediaStore(dir);
        MediaStore.Stored wav = store.store("t", "s", Flux.just(DefaultDataBufferFactory.sharedInstance
                .wrap(Fixtures.wav(1, 8000))), 1 << 20).block(Duration.ofSeconds(5));
        String plain = "We talked about the release. ".repeat(34_483).strip();
        MediaStore.Stored text = store.store("t", "s", Flux.just(DefaultDataBufferFactory.sharedInstance
                .wrap(plain.getBytes(StandardCharsets.UTF_8))), 1 << 22).block(Duration.ofSeconds(5));
        Session session = new Session("s", "t", "Standup", null, SessionText.stored(text.key(), plain),
                List.of(new MediaRef(MediaKind.AUDIO, wav.key(), wav.size(), "audio/wav", "a.wav")), Instant.EPOCH);

        StageUpdate last = new AudioStage().run(new StageContext("j", session, Map.of(), store))
                .last().block(Duration.ofSeconds(10));

        AudioAnalysis data = ((StageUpdate.Done) last).result().data(AudioAnalysis.class).orElseThrow();
        assertThat(plain).hasSizeGreaterThan(999_000);
        assertThat(data.transcript().stream().mapToInt(m -> m.text().length()).sum())
                .isEqualTo(AudioStage.MAX_TRANSCRIPT_CHARS);
        assertThat(data.transcriptTruncated()).isTrue();
    }
}
