package dev.enrich.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.ai.fake.RecordedRequest;
import dev.enrich.stage.audio.WavFixtures;
import dev.enrich.stage.video.VideoFixtures;
import dev.enrich.testing.CostWording;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Run the real stages with the AI provider on (the fake OpenAI-compatible server on loopback): results come from the
 * AI path, every call is accounted in the admin cost report, and nothing user-facing mentions cost.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"enrich.media.dir=${java.io.tmpdir}/enrich-ai-e2e-media"})
@AutoConfigureWebTestClient(timeout = "PT60S")
class AiEndToEndTest {

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

    static FakeOpenAiServer ai = FakeOpenAiServer.start();

    @TempDir
    static Path dir;

    static byte[] wav;
    static byte[] mp4;

    @Autowired
    WebTestClient http;

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("enrich.ai.base-url", () -> ai.baseUrl());
        registry.add("enrich.ai.api-key", () -> "sk-test-e2e-secret");
    }

    @BeforeAll
    static void media() throws IOException {
        wav = WavFixtures.bytes(WavFixtures.Format.mono16(16000), 9,
                WavFixtures.bursts(16000, new double[][] {{1, 3}, {4.5, 7}}, 0.3, 300, 0.001));
        Path video = dir.resolve("clip.mp4");
        VideoFixtures.encodeMp4(video, 320, 180, 10, 90, 10, VideoFixtures.scenes(30));
        mp4 = Files.readAllBytes(video);
    }

    @AfterAll
    static void stop() {
        ai.close();
    }

    @Test
    void providerOnGivesAiPathResultsAccountedOnlyInTheAdminReport() {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\":\"Planning\",\"notes\":\"We planned the release. I'll write the notes.\"}",
                MediaType.APPLICATION_JSON);
        b.part("audio", named(wav, "a.wav"), MediaType.APPLICATION_OCTET_STREAM);
        b.part("video", named(mp4, "v.mp4"), MediaType.APPLICATION_OCTET_STREAM);
        String session = (String) http.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange()
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("id");
        String jobId = (String) http.post().uri("/api/v1/sessions/{id}/enrichments", session)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody().get("jobId");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> http.get().uri("/api/v1/jobs/{id}", jobId).exchange().expectBody(MAP).returnResult()
                        .getResponseBody().get("state"), "completed"::equals);

        String job = body("/api/v1/jobs/" + jobId);
        String results = body("/api/v1/sessions/" + session + "/enrichment");
        String events = http.get().uri("/api/v1/jobs/{id}/events", jobId).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        String page = body("/api/v1/sessions/" + session + "/canvas");

        assertThat(job).contains("\"path\":\"ai\"");
        assertThat(results).contains("\"transcriptSource\":\"ai\"").contains("\"captions\"")
                .contains("\"narrative\"");
        assertThat(ai.requests()).extracting(RecordedRequest::path)
                .anyMatch(p -> p.endsWith("/audio/transcriptions"))
                .anyMatch(p -> p.endsWith("/chat/completions"));
        for (String userFacing : List.of(job, results, events, page)) {
            assertThat(CostWording.in(userFacing)).isEmpty();
            assertThat(userFacing).doesNotContain("sk-test-e2e-secret");
        }
        String report = body("/api/v1/admin/costs");
        assertThat(report).contains(session).contains("\"currency\"");
    }

    private String body(String path) {
        return http.get().uri(path).exchange().expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody();
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
