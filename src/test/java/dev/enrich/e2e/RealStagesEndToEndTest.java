package dev.enrich.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.stage.audio.WavFixtures;
import dev.enrich.stage.video.VideoFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Run the real local processors over HTTP: a real WAV, an MP4 with hard cuts and notes give speech segments,
 * chapters with thumbnails, a summary with action items and a canvas page; a corrupt file fails only its stage.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "enrich.media.dir=${java.io.tmpdir}/enrich-e2e-media")
@AutoConfigureWebTestClient(timeout = "PT60S")
class RealStagesEndToEndTest {

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
    // Over 280 characters: stored with the media, read by the summary stage when it runs.
    private static final String NOTES = "We reviewed the checkout redesign. The payment form is too long. "
            + "We need to cut the address fields. TODO: ask design for a one-page layout. "
            + "I'll follow up with the payments team on Friday. The order summary should show the shipping "
            + "estimate before the payment step, and the coupon field can move below it.";

    @TempDir
    static Path dir;

    static byte[] wav;
    static byte[] mp4;

    @Autowired
    WebTestClient http;

    @BeforeAll
    static void media() throws IOException {
        // Speech-like bursts at 1-3 s and 4.5-7 s of a 9 s recording.
        wav = WavFixtures.bytes(WavFixtures.Format.mono16(16000), 9,
                WavFixtures.bursts(16000, new double[][] {{1, 3}, {4.5, 7}}, 0.3, 300, 0.001));
        Path video = dir.resolve("clip.mp4");
        // Three scenes of 3 s at 10 fps: cuts at 3 s and 6 s.
        VideoFixtures.encodeMp4(video, 320, 180, 10, 90, 10, VideoFixtures.scenes(30));
        mp4 = Files.readAllBytes(video);
    }

    @Test
    void wavMp4AndNotesBecomeSegmentsChaptersSummaryAndCanvas() {
        String session = upload(wav, mp4);
        Map<String, Object> job = enrichAndWait(session);
        assertThat(job.get("state")).isEqualTo("completed");

        Map<String, Object> results = results(session);
        Map<String, Object> audio = E2e.data(results, "audio");
        assertThat((List<?>) audio.get("segments")).hasSize(2);
        Map<String, Object> video = E2e.data(results, "video");
        assertThat((List<?>) video.get("sceneChanges")).hasSize(2);
        List<Map<String, Object>> chapters = E2e.list(video.get("chapters"));
        assertThat(chapters).hasSize(3).allSatisfy(c -> assertThat(c).containsKey("thumbnail"));
        Map<String, Object> summary = E2e.data(results, "summary");
        assertThat(E2e.list(summary.get("actionItems"))).asString()
                .contains("We need to cut the address fields").contains("follow up with the payments team");

        byte[] png = http.get().uri((String) chapters.get(0).get("thumbnail")).exchange()
                .expectStatus().isOk().expectHeader().contentType(MediaType.IMAGE_PNG)
                .expectBody().returnResult().getResponseBody();
        assertThat(Arrays.copyOf(png, 4)).containsExactly(0x89, 'P', 'N', 'G');
        String page = http.get().uri("/api/v1/sessions/{id}/canvas", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("<svg").contains("follow up with the payments team").doesNotContain("http://");
    }

    @Test
    void corruptAudioFailsOnlyItsOwnStage() {
        // A valid WAV header promising 9 s, then 100 ms of data: the decoder hits the end early.
        byte[] truncated = Arrays.copyOf(wav, 44 + 3200);
        String session = upload(truncated, mp4);
        Map<String, Object> job = enrichAndWait(session);

        assertThat(job.get("state")).isEqualTo("partial");
        assertThat(job.get("message")).isEqualTo("Session partially enriched (video only)");
        assertThat(stageStates(job)).containsEntry("audio", "failed").containsEntry("video", "succeeded")
                .containsEntry("summary", "succeeded").containsEntry("canvas", "succeeded");
    }

    private String upload(byte[] audio, byte[] video) {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\":\"Checkout review\",\"notes\":\"" + NOTES + "\"}", MediaType.APPLICATION_JSON);
        b.part("audio", E2e.named(audio, "review.wav"), MediaType.APPLICATION_OCTET_STREAM);
        b.part("video", E2e.named(video, "screen.mp4"), MediaType.APPLICATION_OCTET_STREAM);
        return (String) http.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange()
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("id");
    }

    private Map<String, Object> enrichAndWait(String session) {
        String jobId = (String) http.post().uri("/api/v1/sessions/{id}/enrichments", session)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody().get("jobId");
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> http.get().uri("/api/v1/jobs/{id}", jobId).exchange().expectBody(MAP)
                        .returnResult().getResponseBody(), j -> !List.of("queued", "running").contains(j.get("state")));
    }

    private Map<String, Object> results(String session) {
        return http.get().uri("/api/v1/sessions/{id}/enrichment", session).exchange().expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
    }

    private static Map<String, Object> stageStates(Map<String, Object> job) {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (Map<String, Object> s : E2e.list(job.get("stages"))) {
            out.put((String) s.get("stage"), s.get("state"));
        }
        return out;
    }

}
