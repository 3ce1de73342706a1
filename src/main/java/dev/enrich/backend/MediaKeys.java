package dev.enrich.backend;

import dev.enrich.session.MediaTooLargeException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;

/**
 * Lay out media keys the same way in every {@link dev.enrich.session.MediaStore}: {@code <tenant>/<session>/<random>}
 * and {@code <tenant>/<session>/derived/<name>}, each segment Base64url-encoded so no id reaches path or key syntax.
 */
public final class MediaKeys {

    private static final Pattern SIMPLE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    private MediaKeys() {}

    /** Return the key folder of a session, {@code <tenant>/<session>}, without a trailing slash. */
    public static String session(String tenant, String sessionId) {
        return segment(tenant) + "/" + segment(sessionId);
    }

    /**
     * Return the key of a session's derived file, {@code <tenant>/<session>/derived/<name>}.
     *
     * @throws IllegalArgumentException when the name is not a simple file name
     */
    public static String derived(String tenant, String sessionId, String name) {
        if (!SIMPLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("derived file name must be a simple file name, but was '" + name + "'");
        }
        return session(tenant, sessionId) + "/derived/" + segment(name);
    }

    /** Encode one id as a key segment (Base64url, no padding). */
    public static String segment(String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Pass content through while it stays within {@code maxBytes}; past it, release the buffer and fail with
     * {@link MediaTooLargeException}.
     */
    public static Flux<DataBuffer> limit(Flux<DataBuffer> content, long maxBytes) {
        return Flux.defer(() -> {
            AtomicLong size = new AtomicLong();
            return content.handle((buffer, sink) -> {
                if (size.addAndGet(buffer.readableByteCount()) > maxBytes) {
                    DataBufferUtils.release(buffer);
                    sink.error(new MediaTooLargeException(maxBytes));
                } else {
                    sink.next(buffer);
                }
            });
        });
    }
}
