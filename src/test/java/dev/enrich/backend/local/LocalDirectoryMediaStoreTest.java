package dev.enrich.backend.local;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.backend.MediaStoreContract;
import dev.enrich.session.MediaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The media store in a local directory keeps the port's contract. */
class LocalDirectoryMediaStoreTest extends MediaStoreContract {

    @TempDir
    Path root;

    @Override
    protected MediaStore store() {
        return new LocalDirectoryMediaStore(root);
    }

    @Test
    void theHealthCheckFailsWhenTheDirectoryCannotBeWritten() throws IOException {
        // Root ignores permission bits: a file where the directory should be is what no one can write into.
        Path dir = root.resolve("media");
        Files.writeString(dir, "not a directory");

        assertThatThrownBy(() -> new LocalDirectoryMediaStore(dir).check().block(WAIT))
                .hasMessageContaining("media directory " + dir + " is not writable");
    }

    @Override
    protected List<String> leftovers() {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(root::relativize).map(Path::toString).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
