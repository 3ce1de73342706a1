package dev.enrich.api;

import static dev.enrich.api.ProblemDetailsTest.expectProblem;
import static dev.enrich.api.ProblemDetailsTest.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.config.EnrichProperties;
import dev.enrich.session.MediaUsage;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ServiceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * An upload past the tenant's storage cap answers 413 with a friendly problem and keeps nothing of itself; long notes
 * and transcripts (stored with the media) count against the cap as media do.
 */
@ServiceTest
@TestPropertySource(properties = "enrich.limits.max-media-per-tenant=100KB")
class StorageQuotaTest {

    private static final long CAP = 100 * 1024;

    /** Media of this class's own, removed with it (a directory under the system's temporary one was left behind). */
    @TempDir
    static Path media;

    @DynamicPropertySource
    static void mediaDirectory(DynamicPropertyRegistry registry) {
        registry.add("enrich.media.dir", media::toString);
    }

    @Autowired
    WebTestClient http;

    @Autowired
    EnrichProperties props;

    @Autowired
    MediaUsage usage;

    @Test
    void anUploadPastTheStorageCapIsRefusedAndLeavesNothingBehind() throws IOException {
        upload("First", 60 * 1024).expectStatus().isCreated();

        expectProblem(upload("Second", 60 * 1024), 413, "Content Too Large",
                "Your account's storage is full (100 KB). Delete some sessions to make room, then upload again.",
                "/api/v1/sessions");

        assertThat(storedFiles()).isEqualTo(1);
        upload("Third, smaller", 30 * 1024).expectStatus().isCreated();
        assertThat(storedFiles()).isEqualTo(2);
    }

    @Test
    void longNotesAndTranscriptsCountAgainstTheCapAsMediaDo() throws IOException {
        // Whatever the other test left: this one measures from there, and deletes what it kept.
        long used = usage.used("default").block();
        long room = CAP - used;
        long files = storedFiles();

        expectProblem(uploadTexts("Too long", "n".repeat((int) room - 1000), "t".repeat(2000)), 413,
                "Content Too Large",
                "Your account's storage is full (100 KB). Delete some sessions to make room, then upload again.",
                "/api/v1/sessions");
        assertThat(storedFiles()).as("nothing kept").isEqualTo(files);
        assertThat(usage.used("default").block()).isEqualTo(used);

        String kept = (String) uploadTexts("Fits", " " + "n".repeat((int) room - 3000) + " ", "t".repeat(2000))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        assertThat(usage.used("default").block()).as("both texts, stripped, in UTF-8 bytes").isEqualTo(CAP - 1000);
        assertThat(storedFiles()).isEqualTo(files + 2);
        // Short texts stay in the session's record: not counted.
        uploadTexts("Short", "n".repeat(280), null).expectStatus().isCreated();
        assertThat(usage.used("default").block()).isEqualTo(CAP - 1000);

        http.delete().uri("/api/v1/sessions/{id}", kept).exchange().expectStatus().isNoContent();
        assertThat(usage.used("default").block()).isEqualTo(used);
    }

    private WebTestClient.ResponseSpec uploadTexts(String title, String notes, @Nullable String transcript) {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\": \"" + title + "\", \"notes\": \"" + notes + "\""
                + (transcript == null ? "" : ", \"transcript\": \"" + transcript + "\"") + "}",
                MediaType.APPLICATION_JSON);
        return http.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange();
    }

    private WebTestClient.ResponseSpec upload(String title, int audioBytes) {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\": \"" + title + "\"}", MediaType.APPLICATION_JSON);
        b.part("audio", file(Fixtures.wavOfSize(audioBytes), "a.wav"), MediaType.parseMediaType("audio/wav"));
        return http.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange();
    }

    private long storedFiles() throws IOException {
        try (Stream<Path> all = Files.walk(props.media().dir())) {
            return all.filter(Files::isRegularFile).count();
        }
    }
}
