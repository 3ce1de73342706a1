package dev.enrich.backend.local;

import dev.enrich.backend.MediaStoreContract;
import dev.enrich.session.MediaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/** The media store in a local directory keeps the port's contract. */
class LocalDirectoryMediaStoreTest extends MediaStoreContract {

    @TempDir
    Path root;

    @Override
    protected MediaStore store() {
        return new LocalDirectoryMediaStore(root);
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
