package dev.enrich.backend.local;

import dev.enrich.backend.MediaKeys;
import dev.enrich.session.MediaStore;
import java.io.IOException;
import java.io.FilterOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Store media in a local directory: {@code <root>/<tenant>/<session>/<random>}, derived files under
 * {@code <root>/<tenant>/<session>/derived/<name>} (every segment Base64url-encoded). Writes go through
 * {@link DataBufferUtils#write} (an asynchronous file channel); directory and delete work runs on bounded elastic.
 */
public final class LocalDirectoryMediaStore implements MediaStore {

    private final Path root;

    public LocalDirectoryMediaStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public Mono<Stored> store(String tenant, String sessionId, Flux<DataBuffer> content, long maxBytes) {
        String key = MediaKeys.session(tenant, sessionId) + "/" + UUID.randomUUID();
        Path file = resolve(key);
        AtomicLong size = new AtomicLong();
        Flux<DataBuffer> counted = MediaKeys.limit(content, maxBytes)
                .doOnNext(buffer -> size.addAndGet(buffer.readableByteCount()));
        return Mono.fromCallable(() -> Files.createDirectories(file.getParent()))
                .subscribeOn(Schedulers.boundedElastic())
                .then(DataBufferUtils.write(counted, file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
                .then(Mono.fromSupplier(() -> new Stored(key, size.get())))
                .onErrorResume(e -> Mono.fromRunnable(() -> deleteQuietly(file))
                        .subscribeOn(Schedulers.boundedElastic())
                        .then(Mono.error(e)));
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(resolve(key));
    }

    @Override
    public SeekableByteChannel openChannel(String key) throws IOException {
        return Files.newByteChannel(resolve(key), StandardOpenOption.READ);
    }

    @Override
    public OutputStream createDerived(String tenant, String sessionId, String name) throws IOException {
        Path target = derived(tenant, sessionId, name);
        Files.createDirectories(target.getParent());
        // "~" is outside the Base64url alphabet, so a partial file never shadows a derived name.
        Path partial = Files.createTempFile(target.getParent(), "partial~", ".tmp");
        return new FilterOutputStream(Files.newOutputStream(partial)) {
            private boolean closed;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    super.close();
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    deleteQuietly(partial);
                }
            }
        };
    }

    @Override
    public InputStream openDerived(String tenant, String sessionId, String name) throws IOException {
        return Files.newInputStream(derived(tenant, sessionId, name));
    }

    /** Create, write and delete a small file in the root directory, which is made if missing. */
    @Override
    public Mono<Void> check() {
        return Mono.<Void>fromRunnable(() -> {
                    try {
                        Files.createDirectories(root);
                        // "~" is outside the Base64url alphabet: never a tenant's directory.
                        Path probe = Files.createTempFile(root, "health~", ".tmp");
                        try {
                            Files.write(probe, new byte[] {1});
                        } finally {
                            Files.delete(probe);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException("media directory " + root + " is not writable: " + e, e);
                    }
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Void> deleteSession(String tenant, String sessionId) {
        Path dir = resolve(MediaKeys.session(tenant, sessionId));
        return Mono.<Void>fromRunnable(() -> {
                    if (!Files.isDirectory(dir)) {
                        return;
                    }
                    try (Stream<Path> walk = Files.walk(dir)) {
                        walk.sorted(Comparator.reverseOrder()).forEach(LocalDirectoryMediaStore::deleteQuietly);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    private Path resolve(String key) {
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("media key escapes the store: " + key);
        }
        return path;
    }

    private Path derived(String tenant, String sessionId, String name) {
        return resolve(MediaKeys.derived(tenant, sessionId, name));
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: a leftover file is harmless and is removed with its session
        }
    }
}
