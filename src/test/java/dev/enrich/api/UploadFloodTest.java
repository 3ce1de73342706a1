package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.security.ApiKeys;
import dev.enrich.testing.ServiceTest;
import dev.enrich.testing.TestAuthAutoConfiguration;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two tenants flood the service with sessions of a million characters of notes and of transcript each, far past
 * the session caps: the heap stays bounded (long texts live with the media), each tenant gets 429 past its own share
 * and 507 once the service's share is full, and the service keeps answering.
 */
@ServiceTest
@TestPropertySource(properties = {"enrich.limits.max-sessions-per-tenant=25", "enrich.memory.max-sessions=40"})
class UploadFloodTest {

    private static final String OTHER_KEY = "upload-flood-test-other-tenant-key";
    private static final int TEXT_CHARS = 1_000_000;
    private static final int ATTEMPTS_PER_TENANT = 60;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void otherTenant(DynamicPropertyRegistry registry) {
        registry.add("enrich.security.api-keys[0].sha256", () -> ApiKeys.sha256(OTHER_KEY));
        registry.add("enrich.security.api-keys[0].tenant", () -> "flood-other");
    }

    @LocalServerPort
    int port;

    @Value("${enrich.media.dir}")
    String mediaDir;

    @Test
    void aFloodOfLargeNotesIsCappedWithoutFillingTheHeap() throws IOException {
        byte[] metadata = JSON.writeValueAsBytes(Map.of("title", "Flood", "notes", text("We cut the scope. "),
                "transcript", text("Line of the transcript.\n")));
        WebClient mine = client(TestAuthAutoConfiguration.KEY);
        WebClient theirs = client(OTHER_KEY);
        String small = (String) JSON.readValue(upload(mine, "{\"title\":\"Small\",\"notes\":\"Short.\"}"
                .getBytes(StandardCharsets.UTF_8)).body(), Map.class).get("id");

        long foldersBefore = sessionFolders("flood-other");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        List<Answer> myAnswers = new ArrayList<>();
        List<Answer> theirAnswers = new ArrayList<>();
        for (int i = 0; i < ATTEMPTS_PER_TENANT; i++) {
            myAnswers.add(upload(mine, metadata));
        }
        for (int i = 0; i < ATTEMPTS_PER_TENANT; i++) {
            theirAnswers.add(upload(theirs, metadata));
        }
        System.gc();
        long after = memory.getHeapMemoryUsage().getUsed();
        System.out.printf("FLOOD %d uploads of %.1f MB metadata: heap before %d MB, after %d MB (%+d MB)%n",
                2 * ATTEMPTS_PER_TENANT, metadata.length / 1e6, before >> 20, after >> 20, (after - before) >> 20);

        // Without the fix every session kept its 2 million characters: about +240 MB here.
        assertThat(after - before).as("heap kept after the flood").isLessThan(64L << 20);
        assertThat(statuses(myAnswers)).as("statuses of tenant default")
                .containsExactlyElementsOf(expected(24, 201, 429));
        assertThat(statuses(theirAnswers)).as("statuses of the other tenant")
                .containsExactlyElementsOf(expected(15, 201, 507));
        assertProblem(myAnswers.get(ATTEMPTS_PER_TENANT - 1), 429,
                "You have stored as many sessions as Enrich keeps for one account.");
        assertProblem(theirAnswers.get(ATTEMPTS_PER_TENANT - 1), 507,
                "Enrich can't store more sessions right now. Please try again later.");

        assertThat(sessionFolders("flood-other") - foldersBefore)
                .as("new media folders of the other tenant: refused uploads keep none").isEqualTo(15);

        WebClient anonymous = WebClient.create("http://localhost:" + port);
        assertThat(status(anonymous, "/actuator/health/liveness")).isEqualTo(200);
        assertThat(status(anonymous, "/actuator/health/readiness")).isEqualTo(200);
        assertThat(status(mine, "/api/v1/sessions/" + small)).isEqualTo(200);
        String large = (String) JSON.readValue(myAnswers.get(0).body(), Map.class).get("id");
        Map<String, Object> session = mine.get().uri("/api/v1/sessions/{id}", large).retrieve()
                .bodyToMono(ApiTestSupport.MAP).block(Duration.ofSeconds(30));
        assertThat(session.get("notes")).asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
                .containsEntry("length", TEXT_CHARS)
                .hasEntrySatisfying("preview", p -> assertThat((String) p).hasSize(280).startsWith("We cut"));
    }

    private long sessionFolders(String tenant) throws IOException {
        Path dir = Path.of(mediaDir, Base64.getUrlEncoder().withoutPadding()
                .encodeToString(tenant.getBytes(StandardCharsets.UTF_8)));
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> folders = Files.list(dir)) {
            return folders.count();
        }
    }

    private static String text(String sentence) {
        return sentence.repeat(TEXT_CHARS / sentence.length() + 1).substring(0, TEXT_CHARS - 1) + ".";
    }

    private static List<Integer> expected(int created, int createdStatus, int refusedStatus) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < ATTEMPTS_PER_TENANT; i++) {
            out.add(i < created ? createdStatus : refusedStatus);
        }
        return out;
    }

    private static List<Integer> statuses(List<Answer> answers) {
        return answers.stream().map(Answer::status).toList();
    }

    private static void assertProblem(Answer answer, int status, String detail) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(JSON.readValue(answer.body(), Map.class)).containsEntry("status", status)
                .containsEntry("detail", detail);
    }

    // A plain WebClient: WebTestClient records request bodies, which would fill this JVM's heap itself.
    private WebClient client(String key) {
        return WebClient.builder().baseUrl("http://localhost:" + port)
                .codecs(c -> c.defaultCodecs().maxInMemorySize(8 << 20)) // before the fix, sessions echoed their notes
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key).build();
    }

    private static Answer upload(WebClient client, byte[] metadata) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("metadata", metadata, MediaType.APPLICATION_JSON);
        return client.post().uri("/api/v1/sessions").body(BodyInserters.fromMultipartData(body.build()))
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(text -> new Answer(response.statusCode().value(),
                                response.headers().contentType().map(MediaType::toString).orElse(""), text)))
                .block(Duration.ofSeconds(60));
    }

    private static int status(WebClient client, String path) {
        return client.get().uri(path).exchangeToMono(r -> r.releaseBody().then(Mono.just(r.statusCode().value())))
                .block(Duration.ofSeconds(30));
    }

    private record Answer(int status, String contentType, String body) {}
}
