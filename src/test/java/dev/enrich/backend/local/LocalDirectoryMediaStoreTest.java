package dev.enrich.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

class LocalDirectoryMediaStoreTest {

    @TempDir
    Path root;

    @Test
    void derivedFileBecomesVisibleWhenClosedAndReplacesThePreviousOne() throws IOException {
        LocalDirectoryMediaStore store = new LocalDirectoryMediaStore(root);
        write(store, "thumbnail-0.png", "first");
        OutputStream out = store.createDerived("t", "s", "thumbnail-0.png");
        out.write("second".getBytes(StandardCharsets.UTF_8));

        assertThat(read(store, "thumbnail-0.png")).isEqualTo("first");
        out.close();
        assertThat(read(store, "thumbnail-0.png")).isEqualTo("second");
    }

    @Test
    void derivedFilesBelongToTheirTenantAndSession() throws IOException {
        LocalDirectoryMediaStore store = new LocalDirectoryMediaStore(root);
        write(store, "thumbnail-1.png", "png");

        assertThatThrownBy(() -> store.openDerived("other", "s", "thumbnail-1.png"))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.openDerived("t", "other", "thumbnail-1.png"))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void rejectsNamesThatAreNotSimpleFileNames() {
        LocalDirectoryMediaStore store = new LocalDirectoryMediaStore(root);

        for (String name : new String[] {"../x", ".hidden", "a/b", "", "a b"}) {
            assertThatThrownBy(() -> store.createDerived("t", "s", name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("simple file name");
        }
    }

    @Test
    void deletingASessionDeletesItsDerivedFiles() throws IOException {
        LocalDirectoryMediaStore store = new LocalDirectoryMediaStore(root);
        write(store, "thumbnail-0.png", "png");

        store.deleteSession("t", "s").block(Duration.ofSeconds(5));

        assertThatThrownBy(() -> store.openDerived("t", "s", "thumbnail-0.png"))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void opensStoredMediaForRandomAccess() throws IOException {
        LocalDirectoryMediaStore store = new LocalDirectoryMediaStore(root);
        byte[] bytes = "0123456789".getBytes(StandardCharsets.US_ASCII);
        String key = store.store("t", "s", Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes)), 100)
                .block(Duration.ofSeconds(5)).key();

        try (SeekableByteChannel channel = store.openChannel(key)) {
            ByteBuffer two = ByteBuffer.allocate(2);
            channel.position(7).read(two);
            assertThat(channel.size()).isEqualTo(10);
            assertThat(new String(two.array(), StandardCharsets.US_ASCII)).isEqualTo("78");
        }
    }

    private static void write(LocalDirectoryMediaStore store, String name, String text) throws IOException {
        try (OutputStream out = store.createDerived("t", "s", name)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String read(LocalDirectoryMediaStore store, String name) throws IOException {
        try (InputStream in = store.openDerived("t", "s", name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
