package dev.enrich.upload;

import dev.enrich.session.MediaKind;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;

/**
 * One uploaded file, not read yet.
 *
 * @param kind what the file should be: audio, video or a screenshot frame
 * @param filename the client's name for it, kept for display only
 * @param content the bytes, read once while the file is stored
 */
public record UploadFile(MediaKind kind, @Nullable String filename, Flux<DataBuffer> content) {}
