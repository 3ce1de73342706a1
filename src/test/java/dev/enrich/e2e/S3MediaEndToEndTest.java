package dev.enrich.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.MediaKeys;
import dev.enrich.session.MediaRef;
import dev.enrich.session.MediaStore;
import dev.enrich.session.SessionRepository;
import dev.enrich.stage.audio.WavFixtures;
import dev.enrich.stage.video.VideoFixtures;
import dev.enrich.testing.S3rver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Run the service with its media on a real S3-compatible server ({@code enrich.media.store=s3}, s3rver as its own
 * process, credentials through the SDK's default chain): an uploaded WAV and MP4 are enriched by the real stages, the
 * MP4 read through ranged GETs, thumbnails stored and served from the bucket.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "enrich.media.store=s3", "enrich.media.s3.bucket=enrich-e2e", "enrich.media.s3.region=" + S3rver.REGION,
        "enrich.media.s3.path-style=true", "enrich.media.s3.prefix=media", "enrich.media.s3.read-ahead=64KB"})
@AutoConfigureWebTestClient(timeout = "PT60S")
@DirtiesContext // its S3 client and sweep go with the server
class S3MediaEndToEndTest {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    static S3rver server;

    @Autowired
    WebTestClient http;

    @Autowired
    MediaStore store;

    @Autowired
    SessionRepository sessions;

    @BeforeAll
    static void startServer() {
        server = S3rver.start(dir);
        server.createBucket("enrich-e2e");
        server.asDefaultCredentials();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @DynamicPropertySource
    static void endpoint(DynamicPropertyRegistry registry) {
        registry.add("enrich.media.s3.endpoint", () -> server.endpoint().toString());
    }

    @Test
    void aSessionWhoseMediaIsInTheBucketIsEnrichedByTheRealStages() throws IOException {
        assertThat(store.getClass().getSimpleName()).isEqualTo("S3MediaStore");
        byte[] wav = WavFixtures.bytes(WavFixtures.Format.mono16(16000), 9,
                WavFixtures.bursts(16000, new double[][] {{1, 3}, {4.5, 7}}, 0.3, 300, 0.001));
        Path video = dir.resolve("clip.mp4");
        VideoFixtures.encodeMp4(video, 320, 180, 10, 90, 10, VideoFixtures.scenes(30));
        byte[] mp4 = Files.readAllBytes(video);

        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\":\"Checkout review\"}", MediaType.APPLICATION_JSON);
        b.part("audio", E2e.named(wav, "review.wav"), MediaType.APPLICATION_OCTET_STREAM);
        b.part("video", E2e.named(mp4, "screen.mp4"), MediaType.APPLICATION_OCTET_STREAM);
        Map<String, Object> session = http.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange()
                .expectStatus().isCreated().expectBody(E2e.MAP).returnResult().getResponseBody();
        String id = (String) session.get("id");
        String folder = "media/" + MediaKeys.session("default", id) + "/"; // the test key's tenant
        assertThat(server.keys("enrich-e2e")).filteredOn(key -> key.startsWith(folder)).hasSize(2);
        assertThat(sessions.find("default", id).block(Duration.ofSeconds(10)).media())
                .as("lengths read from the headers in the bucket, for the ETA").extracting(MediaRef::length)
                .containsExactly(Duration.ofSeconds(9), Duration.ofSeconds(9));

        int before = server.requests().size();
        Map<String, Object> job = E2e.awaitEnd(http, E2e.enrich(http, id, "{}"), Duration.ofSeconds(60));
        List<String> mediaReads = server.requests().subList(before, server.requests().size()).stream()
                .filter(line -> line.startsWith("info: GET /enrich-e2e/" + folder) && !line.contains("/derived/"))
                .toList();

        assertThat(job.get("state")).isEqualTo("completed");
        Map<String, Object> results = http.get().uri("/api/v1/sessions/{id}/enrichment", id).exchange()
                .expectStatus().isOk().expectBody(E2e.MAP).returnResult().getResponseBody();
        assertThat((List<?>) E2e.data(results, "audio").get("segments")).hasSize(2);
        List<Map<String, Object>> chapters = E2e.list(E2e.data(results, "video").get("chapters"));
        assertThat(chapters).hasSize(3).allSatisfy(c -> assertThat(c).containsKey("thumbnail"));
        byte[] png = http.get().uri((String) chapters.get(0).get("thumbnail")).exchange()
                .expectStatus().isOk().expectHeader().contentType(MediaType.IMAGE_PNG)
                .expectBody().returnResult().getResponseBody();
        assertThat(Arrays.copyOf(png, 4)).containsExactly(0x89, 'P', 'N', 'G');

        assertThat(server.keys("enrich-e2e")).filteredOn(key -> key.startsWith(folder + "derived/")).hasSize(3);
        assertThat(mp4.length).isGreaterThan(2 * 64 * 1024);
        assertThat(mediaReads).as("the WAV read whole once, the MP4 only in ranged windows of 64 KB")
                .filteredOn(line -> line.contains(" 200 ")).hasSize(1);
        assertThat(mediaReads).filteredOn(line -> line.contains(" 206 ")).hasSizeGreaterThan(2)
                .allSatisfy(line -> assertThat(line).doesNotContain("mb"));
    }

}
