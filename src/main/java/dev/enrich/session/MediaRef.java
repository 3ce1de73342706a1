package dev.enrich.session;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Point at one stored media file of a session.
 *
 * @param kind what the file is
 * @param key the MediaStore key; never a client-supplied path
 * @param size bytes stored
 * @param contentType declared content type, if any
 * @param fileName the client's file name, for display only
 * @param length the playing time read from the file's header at upload ({@link MediaDuration}); null when unknown
 *     (screenshots, a header that does not say, sessions stored before it was read)
 */
public record MediaRef(
        MediaKind kind, @JsonIgnore String key, long size, @Nullable String contentType, @Nullable String fileName,
        @JsonIgnore @Nullable Duration length) {

    /** Point at a stored file whose playing time is unknown. */
    public MediaRef(MediaKind kind, String key, long size, @Nullable String contentType, @Nullable String fileName) {
        this(kind, key, size, contentType, fileName, null);
    }
}
