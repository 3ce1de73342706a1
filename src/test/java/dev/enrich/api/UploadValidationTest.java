package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Uploads are recognised by content; bad media is refused with a friendly problem and nothing is kept. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "enrich.media.max-session-size=100KB", "enrich.media.max-part-size=80KB",
        "enrich.media.dir=${java.io.tmpdir}/enrich-upload-validation"})
@AutoConfigureWebTestClient
class UploadValidationTest {

    @Autowired
    WebTestClient http;

    @Value("${enrich.media.dir}")
    Path mediaDir;

    @Test
    void audioThatIsNotWavIsUnsupportedWhateverItsName() {
        byte[] mp3 = "ID3\u0004\u0000 pretend mp3 frames".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        long before = storedFiles();

        http.post().uri("/api/v1/sessions").bodyValue(body("audio", "talk.wav", mp3)).exchange()
                .expectStatus().isEqualTo(415)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("This audio format isn't supported yet — please upload WAV.");
        assertThat(storedFiles()).isEqualTo(before);
    }

    @Test
    void randomBytesNamedMp4AreUnsupported() {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        http.post().uri("/api/v1/sessions").bodyValue(body("video", "clip.mp4", noise)).exchange()
                .expectStatus().isEqualTo(415)
                .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("MP4"));
    }

    @Test
    void emptyPartIsUnprocessable() {
        http.post().uri("/api/v1/sessions").bodyValue(body("video", "clip.mp4", new byte[0])).exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.detail").isEqualTo("The video file is empty.");
    }

    @Test
    void wavIsAcceptedAndTypedByContent() {
        http.post().uri("/api/v1/sessions").bodyValue(body("audio", "whatever.bin", Fixtures.wav(0.5, 8000)))
                .exchange()
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.media[0].contentType").isEqualTo("audio/wav");
    }

    @Test
    void sessionOverItsTotalLimitIsTooLargeAndKeepsNothing() {
        long before = storedFiles();
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\":\"Screens\"}", MediaType.APPLICATION_JSON);
        for (int i = 0; i < 3; i++) {
            b.part("frames", file("f" + i + ".png", noisePng(i)), MediaType.IMAGE_PNG);
        }

        http.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange()
                .expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(storedFiles()).isEqualTo(before);
    }

    private static org.springframework.util.MultiValueMap<String, org.springframework.http.HttpEntity<?>> body(
            String part, String name, byte[] content) {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\":\"Check\"}", MediaType.APPLICATION_JSON);
        b.part(part, file(name, content), MediaType.APPLICATION_OCTET_STREAM);
        return b.build();
    }

    private static ByteArrayResource file(String name, byte[] content) {
        return new ByteArrayResource(content) {
            @Override
            public String getFilename() {
                return name;
            }
        };
    }

    // About 45 KB each: random pixels do not compress.
    private static byte[] noisePng(int seed) {
        BufferedImage image = new BufferedImage(128, 120, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private long storedFiles() {
        if (!Files.isDirectory(mediaDir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(mediaDir)) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
