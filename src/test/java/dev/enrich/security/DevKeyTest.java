package dev.enrich.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.EnrichApplication;
import dev.enrich.testing.LogsWritten;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A fresh checkout works without configuring anything: a random development key, kept private and reused, never
 * logged. The prod profile has no such key and refuses to start without real credentials.
 */
@ExtendWith(OutputCaptureExtension.class)
class DevKeyTest {

    @TempDir
    Path dir;

    @Test
    void aDevelopmentKeyIsMadeKeptPrivateReusedAndNeverLogged(CapturedOutput output) throws IOException {
        Path file = dir.resolve("keys/dev-api-key");
        String key;
        try (ConfigurableApplicationContext app = start(file, "default")) {
            key = Files.readString(file).trim();
            assertThat(key).startsWith("enrich-dev-").hasSizeGreaterThan(40);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            WebTestClient http = client(app);
            http.get().uri("/api/v1/jobs").headers(h -> h.setBearerAuth(key)).exchange().expectStatus().isOk();
            http.get().uri("/api/v1/pool").headers(h -> h.setBearerAuth(key)).exchange().expectStatus().isOk();
            http.get().uri("/api/v1/jobs").exchange().expectStatus().isUnauthorized();
        }
        try (ConfigurableApplicationContext app = start(file, "default")) {
            assertThat(Files.readString(file).trim()).as("reused on restart").isEqualTo(key);
            client(app).get().uri("/api/v1/jobs").headers(h -> h.setBearerAuth(key)).exchange()
                    .expectStatus().isOk();
        }
        assertThat(LogsWritten.in(output).getAll()).contains(file.toAbsolutePath().toString()).doesNotContain(key);
    }

    @Test
    void theProdProfileRefusesToStartWithoutKeysOrJwts() {
        assertThatThrownBy(() -> start(dir.resolve("unused"), "prod").close())
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .rootCause().hasMessageContaining("No way in: configure enrich.security.api-keys");
        assertThat(dir.resolve("unused")).doesNotExist();
    }

    private static ConfigurableApplicationContext start(Path keyFile, String profile) {
        // Arguments, not builder properties: those are defaults, below application.yml.
        return new SpringApplicationBuilder(EnrichApplication.class).profiles(profile)
                .run("--server.port=0", "--enrich.test.default-key=false", "--enrich.security.dev-key.file=" + keyFile,
                        "--enrich.media.dir=" + keyFile.getParent().resolve("media"));
    }

    private static WebTestClient client(ConfigurableApplicationContext app) {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(10)).build();
    }
}
