package dev.enrich.api;

import dev.enrich.config.EnrichProperties;
import dev.enrich.testing.ServiceTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** Retention on the memory backend, with media in a directory of its own. */
@ServiceTest
@Import(RetentionScenarios.MovableClock.class)
@TestPropertySource(properties = "enrich.retention.sweep-interval=1h")
class RetentionTest extends RetentionScenarios {

    /** Media of this class's own, removed with it (a directory under the system's temporary one was left behind). */
    @TempDir
    static Path media;

    @DynamicPropertySource
    static void mediaDirectory(DynamicPropertyRegistry registry) {
        registry.add("enrich.media.dir", media::toString);
    }

    @Autowired
    EnrichProperties props;

    @Override
    List<String> storedNaming(List<String> ids) {
        // The media directory names each session by its Base64url-encoded id.
        List<String> encoded = ids.stream()
                .map(id -> Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes()))
                .toList();
        if (!Files.isDirectory(props.media().dir())) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(props.media().dir())) {
            return all.filter(Files::isRegularFile).map(Path::toString)
                    .filter(path -> encoded.stream().anyMatch(path::contains))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
