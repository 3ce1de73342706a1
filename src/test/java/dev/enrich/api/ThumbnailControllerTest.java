package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.Thumbnails;
import dev.enrich.testing.ServiceTest;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@ServiceTest
class ThumbnailControllerTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};

    @Autowired
    WebTestClient http;

    @Autowired
    SessionRepository sessions;

    @Autowired
    MediaStore media;

    @Test
    void servesAStoredThumbnailAsPng() throws IOException {
        String id = session("default");
        try (OutputStream out = media.createDerived("default", id, Thumbnails.fileName(2))) {
            out.write(PNG);
        }

        byte[] body = http.get().uri(Thumbnails.path(id, 2)).exchange()
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.IMAGE_PNG)
                .expectBody().returnResult().getResponseBody();
        assertThat(body).isEqualTo(PNG);
    }

    @Test
    void missingThumbnailIsAFriendlyNotFoundProblem() {
        String id = session("default");

        for (String index : new String[] {"0", "x", "-1", "9999999"}) {
            http.get().uri("/api/v1/sessions/{id}/thumbnails/{index}", id, index).exchange()
                    .expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.detail").isEqualTo("We couldn't find that thumbnail.");
        }
    }

    @Test
    void anotherTenantsThumbnailIsNotFound() throws IOException {
        String id = session("someone-else");
        try (OutputStream out = media.createDerived("someone-else", id, Thumbnails.fileName(0))) {
            out.write(PNG);
        }

        http.get().uri(Thumbnails.path(id, 0)).exchange().expectStatus().isNotFound();
    }

    private String session(String tenant) {
        String id = UUID.randomUUID().toString();
        sessions.save(new Session(id, tenant, "Demo", null, null, List.of(), Instant.now()))
                .block(Duration.ofSeconds(5));
        return id;
    }
}
