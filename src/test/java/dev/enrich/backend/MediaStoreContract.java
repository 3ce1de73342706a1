package dev.enrich.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.session.MediaStore;
import dev.enrich.session.MediaTooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** What every {@link MediaStore} does; each store runs it against its adapter. */
public abstract class MediaStoreContract {

    protected static final Duration WAIT = Duration.ofSeconds(30);

    /** Return an empty store. */
    protected abstract MediaStore store();

    /** Return everything the store holds (files, objects, unfinished uploads), as text naming each. */
    protected abstract List<String> leftovers();

    @Test
    void theHealthCheckPassesAndLeavesNothingBehind() {
        store().check().block(WAIT);

        assertThat(leftovers()).isEmpty();
    }

    @Test
    void storedContentComesBackWholeWithItsSize() throws IOException {
        MediaStore store = store();
        byte[] bytes = random(300_000, 1);

        MediaStore.Stored stored = store.store("t", "s", chunks(bytes, 8192), 1_000_000).block(WAIT);

        assertThat(stored.size()).isEqualTo(bytes.length);
        assertThat(read(store, stored.key())).isEqualTo(bytes);
    }

    @Test
    void emptyContentIsStoredAsAnEmptyFile() throws IOException {
        MediaStore store = store();

        MediaStore.Stored stored = store.store("t", "s", Flux.empty(), 10).block(WAIT);

        assertThat(stored.size()).isZero();
        assertThat(read(store, stored.key())).isEmpty();
    }

    @Test
    void eachStoreGetsANewKeyUnderItsSession() {
        MediaStore store = store();

        String a = store.store("t", "s", chunks(new byte[] {1}, 1), 10).block(WAIT).key();
        String b = store.store("t", "s", chunks(new byte[] {2}, 1), 10).block(WAIT).key();

        assertThat(a).isNotEqualTo(b);
        assertThat(a.substring(0, a.lastIndexOf('/'))).isEqualTo(MediaKeys.session("t", "s"));
    }

    @Test
    void contentPastMaxBytesIsRefusedAndNothingStays() {
        MediaStore store = store();

        assertThatThrownBy(() -> store.store("t", "s", chunks(random(100_000, 2), 4096), 50_000).block(WAIT))
                .isInstanceOf(MediaTooLargeException.class);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void anUploadThatFailsMidwayLeavesNothing() {
        MediaStore store = store();
        Flux<DataBuffer> broken = chunks(random(20_000, 3), 4096)
                .concatWith(Flux.error(new IOException("client went away")));

        assertThatThrownBy(() -> store.store("t", "s", broken, 1_000_000).block(WAIT))
                .hasMessageContaining("client went away");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void randomAccessReadsAnyPositionWithoutReadingFromTheStart() throws IOException {
        MediaStore store = store();
        byte[] bytes = random(1_500_000, 4);
        String key = store.store("t", "s", chunks(bytes, 65536), bytes.length).block(WAIT).key();

        try (SeekableByteChannel channel = store.openChannel(key)) {
            assertThat(channel.size()).isEqualTo(bytes.length);
            assertThat(readAt(channel, bytes.length - 100, 100))
                    .isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 100, bytes.length));
            assertThat(readAt(channel, 10, 4)).isEqualTo(Arrays.copyOfRange(bytes, 10, 14));
            assertThat(readAt(channel, 700_000, 300_000)).isEqualTo(Arrays.copyOfRange(bytes, 700_000, 1_000_000));
            assertThat(channel.position(bytes.length).read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
    }

    @Test
    void derivedFileBecomesVisibleWhenClosedAndReplacesThePreviousOne() throws IOException {
        MediaStore store = store();
        writeDerived(store, "t", "s", "thumbnail-0.png", "first");
        OutputStream out = store.createDerived("t", "s", "thumbnail-0.png");
        out.write("second".getBytes(StandardCharsets.UTF_8));

        assertThat(readDerived(store, "t", "s", "thumbnail-0.png")).isEqualTo("first");
        out.close();
        assertThat(readDerived(store, "t", "s", "thumbnail-0.png")).isEqualTo("second");
    }

    @Test
    void derivedFilesBelongToTheirTenantAndSession() throws IOException {
        MediaStore store = store();
        writeDerived(store, "t", "s", "thumbnail-1.png", "png");

        assertThatThrownBy(() -> store.openDerived("other", "s", "thumbnail-1.png"))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.openDerived("t", "other", "thumbnail-1.png"))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void derivedNamesMustBeSimpleFileNames() {
        MediaStore store = store();

        for (String name : new String[] {"../x", ".hidden", "a/b", "", "a b"}) {
            assertThatThrownBy(() -> store.createDerived("t", "s", name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("simple file name");
        }
    }

    @Test
    void deletingASessionRemovesItsMediaAndDerivedFilesOnly() throws IOException {
        MediaStore store = store();
        String gone = store.store("t", "abc", chunks(random(1000, 5), 100), 10_000).block(WAIT).key();
        writeDerived(store, "t", "abc", "thumbnail-0.png", "png");
        // Base64url of "abc" is a prefix of that of "abcd": deleting one session must not reach into the other.
        String kept = store.store("t", "abcd", chunks(random(1000, 6), 100), 10_000).block(WAIT).key();
        writeDerived(store, "t", "abcd", "thumbnail-0.png", "other");

        store.deleteSession("t", "abc").block(WAIT);

        assertThatThrownBy(() -> store.open(gone).close()).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.openDerived("t", "abc", "thumbnail-0.png"))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(read(store, kept)).hasSize(1000);
        assertThat(readDerived(store, "t", "abcd", "thumbnail-0.png")).isEqualTo("other");

        store.deleteSession("t", "abcd").block(WAIT);
        store.deleteSession("t", "never-stored").block(WAIT);
        assertThat(leftovers()).isEmpty();
    }

    /** Return {@code bytes} as a stream of buffers of {@code size} bytes, read on another thread as uploads are. */
    protected static Flux<DataBuffer> chunks(byte[] bytes, int size) {
        return Flux.range(0, (bytes.length + size - 1) / size)
                .map(i -> DefaultDataBufferFactory.sharedInstance.wrap(
                        Arrays.copyOfRange(bytes, i * size, Math.min(bytes.length, (i + 1) * size))))
                .cast(DataBuffer.class)
                .publishOn(Schedulers.boundedElastic(), 4);
    }

    protected static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    protected static byte[] read(MediaStore store, String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return in.readAllBytes();
        }
    }

    protected static byte[] readAt(SeekableByteChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        channel.position(position);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            // a channel may return fewer bytes than asked
        }
        return buffer.array();
    }

    private static void writeDerived(MediaStore store, String tenant, String session, String name, String text)
            throws IOException {
        try (OutputStream out = store.createDerived(tenant, session, name)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String readDerived(MediaStore store, String tenant, String session, String name)
            throws IOException {
        try (InputStream in = store.openDerived(tenant, session, name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
