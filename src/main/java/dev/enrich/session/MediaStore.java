package dev.enrich.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Store session media as opaque keyed blobs, streamed, never held whole in memory (port).
 *
 * <p>Besides uploaded media, a session can hold derived files (e.g. video thumbnails) under simple names chosen by
 * the stage that writes them; they are deleted with the session.
 */
public interface MediaStore {

    /**
     * Stream content to storage under a new key owned by the session.
     *
     * @param maxBytes the most bytes accepted; more fails with {@link MediaTooLargeException} and stores nothing
     * @return the new key and the number of bytes stored
     */
    Mono<Stored> store(String tenant, String sessionId, Flux<DataBuffer> content, long maxBytes);

    /** Open stored content for reading. Blocking: call it on a bounded scheduler, never on an event loop. */
    InputStream open(String key) throws IOException;

    /**
     * Open stored content for random access (containers such as MP4 keep their index at the end). Blocking.
     *
     * <p>The default copies the content to a temporary file that is deleted when the channel closes; stores with
     * native random access override it.
     */
    default SeekableByteChannel openChannel(String key) throws IOException {
        Path copy = Files.createTempFile("enrich-media-", ".bin");
        try (InputStream in = open(key)) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            return Files.newByteChannel(copy, StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
    }

    /**
     * Create or replace a derived file of a session; it becomes visible to {@link #openDerived} when the stream
     * closes. Blocking.
     *
     * @param name a simple file name: letters, digits, {@code .}, {@code _} and {@code -}, not starting with a dot
     * @throws IllegalArgumentException when the name is not a simple file name
     * @throws UnsupportedOperationException when this store keeps no derived files (the default)
     */
    default OutputStream createDerived(String tenant, String sessionId, String name) throws IOException {
        throw new UnsupportedOperationException("this media store keeps no derived files");
    }

    /**
     * Open a derived file of a session for reading. Blocking.
     *
     * @throws java.nio.file.NoSuchFileException when there is no such file (the default)
     * @throws IllegalArgumentException when the name is not a simple file name
     */
    default InputStream openDerived(String tenant, String sessionId, String name) throws IOException {
        throw new java.nio.file.NoSuchFileException(name);
    }

    /**
     * Check that the store takes writes now (for the readiness probe): complete when it does, fail with the reason
     * when it does not. Non-blocking. The default, for a store with nothing to check, completes.
     */
    default Mono<Void> check() {
        return Mono.empty();
    }

    /** Delete everything stored for a session. */
    Mono<Void> deleteSession(String tenant, String sessionId);

    /** Describe stored content. */
    record Stored(String key, long size) {}
}
