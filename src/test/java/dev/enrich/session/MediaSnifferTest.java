package dev.enrich.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MediaSnifferTest {

    @Test
    void recognisesFormatsByContentNotName() {
        assertThat(MediaSniffer.format(Arrays.copyOf(Fixtures.wav(0.1, 8000), 16))).isEqualTo("wav");
        assertThat(MediaSniffer.format(bytes(0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'))).isEqualTo("mp4");
        assertThat(MediaSniffer.format(bytes(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a))).isEqualTo("png");
        assertThat(MediaSniffer.format(bytes(0xff, 0xd8, 0xff, 0xe0))).isEqualTo("jpeg");
        assertThat(MediaSniffer.format("ID3 mp3 data".getBytes(StandardCharsets.US_ASCII))).isEqualTo("unknown");
    }

    @Test
    void refusesUnsupportedAudioWithAFriendlyHint() {
        assertThat(MediaSniffer.check(MediaKind.AUDIO, "ID3\u0004 mp3".getBytes(StandardCharsets.ISO_8859_1), 100))
                .hasValue(new MediaSniffer.Problem(true, "This audio format isn't supported yet — please upload WAV."));
    }

    @Test
    void refusesEmptyPartsAsUnprocessable() {
        assertThat(MediaSniffer.check(MediaKind.VIDEO, new byte[0], 0))
                .hasValue(new MediaSniffer.Problem(false, "The video file is empty."));
    }

    @Test
    void acceptsScreenshotsOnlyAsPngOrJpeg() {
        assertThat(MediaSniffer.check(MediaKind.FRAMES, bytes(0xff, 0xd8, 0xff, 0xe0), 4)).isEmpty();
        assertThat(MediaSniffer.check(MediaKind.FRAMES, "GIF89a".getBytes(StandardCharsets.US_ASCII), 6))
                .map(MediaSniffer.Problem::unsupported).hasValue(true);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
