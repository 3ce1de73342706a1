package dev.enrich.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaLengthsTest {

    private static final MediaRef AUDIO = new MediaRef(MediaKind.AUDIO, "a", 10, "audio/wav", "a.wav",
            Duration.ofSeconds(90));
    private static final MediaRef VIDEO = new MediaRef(MediaKind.VIDEO, "v", 10, "video/mp4", "v.mp4",
            Duration.ofSeconds(30));

    private static Session with(MediaRef... media) {
        return new Session("s", "t", "T", SessionText.inline("Notes."), null, List.of(media), Instant.EPOCH);
    }

    @Test
    void eachStageWorksOnItsOwnFileAndTheTextStagesOnTheLongest() {
        assertThat(MediaLengths.of(with(AUDIO, VIDEO))).isEqualTo(Map.of(StageName.AUDIO, Duration.ofSeconds(90),
                StageName.VIDEO, Duration.ofSeconds(30), StageName.SUMMARY, Duration.ofSeconds(90),
                StageName.CANVAS, Duration.ofSeconds(90)));
        assertThat(MediaLengths.of(with())).isEmpty();
    }

    @Test
    void theTextStagesReadWhatTheRecordingsGive() {
        assertThat(MediaLengths.inputs(with(AUDIO))).isEqualTo(Map.of(StageName.SUMMARY, "audio",
                StageName.CANVAS, "audio"));
        assertThat(MediaLengths.inputs(with(VIDEO))).containsEntry(StageName.SUMMARY, "video");
        assertThat(MediaLengths.inputs(with(VIDEO, AUDIO))).containsEntry(StageName.CANVAS, "audio+video")
                .doesNotContainKeys(StageName.AUDIO, StageName.VIDEO);
        assertThat(MediaLengths.inputs(with())).as("notes only: learned whatever they read").isEmpty();
    }
}
