package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.stage.audio.WavFixtures;
import dev.enrich.stage.video.VideoFixtures;
import dev.enrich.testing.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pin the public result document ({@code GET /api/v1/sessions/{id}/enrichment}) to a golden file: the real local
 * processors on a fixed WAV, MP4 and notes, with a fixed clock. Compared as JSON trees, so a renamed, dropped, added or
 * retyped field fails; session and job ids are replaced by {@code {session}} and {@code {job}}.
 *
 * <p>To rewrite the golden file after a deliberate change: {@code -Dgolden.update=true}, then review the diff.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "enrich.media.dir=${java.io.tmpdir}/enrich-golden-media")
@AutoConfigureWebTestClient(timeout = "PT120S")
class ResultDocumentGoldenTest {

    private static final String GOLDEN = "golden/enrichment-result.json";
    private static final String NOTES = "We reviewed the checkout redesign. The payment form is too long. "
            + "We need to cut the address fields. TODO: ask design for a one-page layout. "
            + "I'll follow up with the payments team on Friday.";
    private static final String TRANSCRIPT = "WEBVTT\\n\\n00:00:01.000 --> 00:00:03.000\\nThe coupon field moves down."
            + "\\n\\n00:00:04.500 --> 00:00:07.000\\nShipping estimates come first.\\n";

    @TempDir
    static Path dir;

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    @TestConfiguration
    static class FixedClock {
        @Bean
        @Primary
        Clock fixedClock() {
            return MutableClock.at("2026-01-02T03:04:05Z");
        }
    }

    @Test
    void resultDocumentKeepsItsShape() throws IOException {
        String session = upload();
        String job = ApiTestSupport.enrich(http, session, "{}");
        // The job's event stream ends with its terminal event: then every result is saved.
        http.get().uri("/api/v1/jobs/{id}/events", job).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk().returnResult(String.class).getResponseBody().blockLast(Duration.ofMinutes(2));
        String body = http.get().uri("/api/v1/sessions/{id}/enrichment", session).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        JsonNode actual = json.readTree(body.replace(session, "{session}").replace(job, "{job}"));

        if (Boolean.getBoolean("golden.update")) {
            Path file = Path.of("src/test/resources", GOLDEN);
            Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
            return;
        }
        assertThat(actual).isEqualTo(golden());
    }

    private JsonNode golden() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(GOLDEN)) {
            assertThat(in).as("golden file " + GOLDEN).isNotNull();
            return json.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private String upload() throws IOException {
        // Speech-like bursts at 1-3 s and 4.5-7 s of a 9 s recording; three scenes of 3 s at 10 fps.
        byte[] wav = WavFixtures.bytes(WavFixtures.Format.mono16(16000), 9,
                WavFixtures.bursts(16000, new double[][] {{1, 3}, {4.5, 7}}, 0.3, 300, 0.001));
        Path video = dir.resolve("clip.mp4");
        VideoFixtures.encodeMp4(video, 320, 180, 10, 90, 10, VideoFixtures.scenes(30));
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\":\"Checkout review\",\"notes\":\"" + NOTES
                + "\",\"transcript\":\"" + TRANSCRIPT + "\"}", MediaType.APPLICATION_JSON);
        b.part("audio", named(wav, "review.wav"), MediaType.APPLICATION_OCTET_STREAM);
        b.part("video", named(Files.readAllBytes(video), "screen.mp4"), MediaType.APPLICATION_OCTET_STREAM);
        return ApiTestSupport.upload(http, b.build());
    }

    private static ByteArrayResource named(byte[] content, String name) {
        return new ByteArrayResource(content) {
            @Override
            public String getFilename() {
                return name;
            }
        };
    }
}
