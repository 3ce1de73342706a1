package dev.enrich.backend.local;

import dev.enrich.session.MediaStore;
import dev.enrich.session.MediaTooLargeException;
import java.io.IOException;
import java.io.FilterOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Comparator;
import java.util.UUID;
import java.util.regex.Pattern;
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

    private static final Pattern SIMPLE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    private final Path root;

    public LocalDirectoryMediaStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public Mono<Stored> store(String tenant, String sessionId, Flux<DataBuffer> content, long maxBytes) {
        String key = segment(tenant) + "/" + segment(sessionId) + "/" + UUID.randomUUID();
        Path file = resolve(key);
        AtomicLong size = new AtomicLong();
        Flux<DataBuffer> counted = content.handle((buffer, sink) -> {
            if (size.addAndGet(buffer.readableByteCount()) > maxBytes) {
                DataBufferUtils.release(buffer);
                sink.error(new MediaTooLargeException(maxBytes));
            } else {
                sink.next(buffer);
            }
        });
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

    @Override
    public Mono<Void> deleteSession(String tenant, String sessionId) {
        Path dir = root.resolve(segment(tenant)).resolve(segment(sessionId));
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
        if (!SIMPLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("derived file name must be a simple file name, but was '" + name + "'");
        }
        return resolve(segment(tenant) + "/" + segment(sessionId) + "/derived/" + segment(name));
    }

    // Ids come from us or the tenant resolver; encoding keeps any character out of path syntax.
    private static String segment(String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: a leftover file is harmless and is removed with its session
        }
    }
}
