package dev.enrich.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.stage.audio.WavFixtures;
import dev.enrich.stage.video.VideoFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The playing time read from container headers: real files from the fixtures, and hand-built MP4 box layouts. */
class MediaDurationTest {

    @TempDir
    Path dir;

    @Test
    void readsAWavsLengthFromItsHeader() throws IOException {
        Path wav = WavFixtures.write(dir.resolve("a.wav"), WavFixtures.Format.mono16(16_000), 2.5,
                WavFixtures.silence());

        assertThat(of("wav", wav)).contains(Duration.ofMillis(2_500));
    }

    @Test
    void readsAnMp4sLengthFromItsMovieHeaderAfterTheMediaData() throws IOException {
        Path mp4 = dir.resolve("v.mp4");
        VideoFixtures.encodeMp4(mp4, 64, 48, 10, 25, 10, VideoFixtures.scenes(10));

        assertThat(of("mp4", mp4)).contains(Duration.ofMillis(2_500));
    }

    @Test
    void readsAVersionOneMovieHeaderPlacedFirstAndSkipsALargeSizeBox() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        box(out, "ftyp", new byte[8]);
        ByteBuffer mvhd = ByteBuffer.allocate(4 + 8 + 8 + 4 + 8 + 80);
        mvhd.put((byte) 1).put(new byte[3]).putLong(0).putLong(0).putInt(1_000).putLong(3_723_500); // 1 h 2 min 3.5 s
        ByteArrayOutputStream moov = new ByteArrayOutputStream();
        box(moov, "mvhd", mvhd.array());
        box(out, "moov", moov.toByteArray());
        // mdat with a 64-bit size
        ByteBuffer large = ByteBuffer.allocate(16 + 32).putInt(1).put(bytes("mdat")).putLong(48);
        out.write(large.array());
        Path file = Files.write(dir.resolve("v1.mp4"), out.toByteArray());

        assertThat(of("mp4", file)).contains(Duration.ofMillis(3_723_500));
    }

    @Test
    void saysNothingForContentThatDoesNotTell() throws IOException {
        ByteArrayOutputStream noMovie = new ByteArrayOutputStream();
        box(noMovie, "ftyp", new byte[8]);
        box(noMovie, "mdat", new byte[100]);
        ByteArrayOutputStream truncated = new ByteArrayOutputStream();
        box(truncated, "ftyp", new byte[8]);
        truncated.write(ByteBuffer.allocate(8).putInt(4_000).put(bytes("moov")).array());

        assertThat(of("mp4", Files.write(dir.resolve("a.mp4"), noMovie.toByteArray()))).isEmpty();
        assertThat(of("mp4", Files.write(dir.resolve("b.mp4"), truncated.toByteArray()))).isEmpty();
        assertThat(of("wav", Files.write(dir.resolve("c.wav"), bytes("RIFF....WAVEdata")))).isEmpty();
        assertThat(of("png", Files.write(dir.resolve("d.png"), new byte[64]))).isEmpty();
    }

    private static Optional<Duration> of(String format, Path file) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            return MediaDuration.of(format, channel);
        }
    }

    private static void box(ByteArrayOutputStream out, String type, byte[] body) throws IOException {
        out.write(ByteBuffer.allocate(8).putInt(8 + body.length).put(bytes(type)).array());
        out.write(body);
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}
