package dev.enrich.api;

import dev.enrich.testing.Fixtures;
import static dev.enrich.api.ProblemDetailsTest.expectProblem;
import static dev.enrich.api.ProblemDetailsTest.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.ServiceTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Oversized uploads get 413 problems: a file over {@code enrich.media.max-part-size} (parsed, then refused while
 * stored), and any part over the parser's disk limit.
 */
@ServiceTest
@TestPropertySource(properties = {"enrich.media.max-part-size=64KB",
        "spring.webflux.multipart.max-in-memory-size=16KB",
        "spring.webflux.multipart.max-disk-usage-per-part=256KB"})
class UploadLimitTest {

    @Autowired
    WebTestClient http;

    @Test
    void filePartOverTheMediaLimitIsContentTooLarge() {
        expectProblem(upload("{\"title\": \"Big\"}", 100 * 1024), 413, "Content Too Large",
                "That upload is too large.", "/api/v1/sessions");
    }

    @Test
    void filePartOverTheParserDiskLimitIsContentTooLarge() {
        expectProblem(upload("{\"title\": \"Huge\"}", 400 * 1024), 413, "Content Too Large",
                "That upload is too large.", "/api/v1/sessions");
    }

    @Test
    void metadataOverTheParserDiskLimitIsContentTooLarge() {
        String notes = "x".repeat(300 * 1024);
        expectProblem(upload("{\"title\": \"Wordy\", \"notes\": \"" + notes + "\"}", 0), 413, "Content Too Large",
                "That upload is too large.", "/api/v1/sessions");
    }

    @Test
    void filePartWithinTheLimitIsAccepted() {
        Map<String, Object> session = upload("{\"title\": \"Small\"}", 60 * 1024).expectStatus().isCreated()
                .expectBody(ApiTestSupport.MAP).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> media = (List<Map<String, Object>>) session.get("media");
        assertThat(media).singleElement().satisfies(m -> assertThat(m).containsEntry("size", 60 * 1024));
    }

    private WebTestClient.ResponseSpec upload(String metadata, int audioBytes) {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", metadata, MediaType.APPLICATION_JSON);
        if (audioBytes > 0) {
            b.part("audio", file(Fixtures.wavOfSize(audioBytes), "big.wav"), MediaType.parseMediaType("audio/wav"));
        }
        return http.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange();
    }
}
