package dev.enrich.client;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;

/**
 * Hold one media file of a new session: a file on disk, or a stream of bytes. The service tells the format from the
 * content (WAV or MP3 audio, MP4 video, PNG or JPEG frames), not from the name.
 *
 * <p>A file on disk is read again for each attempt, so an upload of files only is retried like any idempotent call.
 * A stream can be read once: an upload with one is sent once and never retried.
 */
public final class MediaFile {

    private final String filename;
    private final @Nullable Path path;
    private final @Nullable Flux<DataBuffer> content;

    private MediaFile(String filename, @Nullable Path path, @Nullable Flux<DataBuffer> content) {
        if (filename.isBlank()) {
            throw new IllegalArgumentException("filename must not be blank");
        }
        this.filename = filename;
        this.path = path;
        this.content = content;
    }

    /** Upload the file at {@code path}, named after its last segment. */
    public static MediaFile of(Path path) {
        Objects.requireNonNull(path, "path");
        Path name = path.getFileName();
        return new MediaFile(name == null ? "media" : name.toString(), path, null);
    }

    /**
     * Upload the bytes {@code content} emits under {@code filename}. The buffers are released once written; the flux
     * is subscribed once.
     */
    public static MediaFile of(String filename, Flux<DataBuffer> content) {
        return new MediaFile(Objects.requireNonNull(filename, "filename"), null,
                Objects.requireNonNull(content, "content"));
    }

    /** Return the file name sent with the part. */
    public String filename() {
        return filename;
    }

    /** Return the file on disk, if this is one. */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** Return the stream of bytes, if this is one. */
    public Optional<Flux<DataBuffer>> content() {
        return Optional.ofNullable(content);
    }

    /** Return true when the content can be sent again (a file on disk). */
    public boolean replayable() {
        return path != null;
    }

    @Override
    public String toString() {
        return "MediaFile[" + filename + (path != null ? ", " + path : ", stream") + "]";
    }
}
