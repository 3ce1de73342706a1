package dev.enrich.backend.s3;

import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Cut a stream of buffers into parts of a fixed size for a multipart upload, copying each buffer once and releasing
 * it at once. Every part but the last is exactly {@code size} bytes; the last is flagged, so that a stream of at most
 * one part can go up in a single request. Only the part being filled is held here.
 */
final class Parts {

    /** One part: {@code length} bytes of {@code bytes}, numbered from 1. */
    record Part(int number, byte[] bytes, int length, boolean last) {}

    private final int size;
    private byte[] current;
    private int filled;
    private int number;

    private Parts(int size) {
        this.size = size;
    }

    /** Cut {@code content} into parts of {@code size} bytes (a stream of nothing gives one empty last part). */
    static Flux<Part> of(Flux<DataBuffer> content, int size) {
        return Flux.defer(() -> {
            Parts parts = new Parts(size);
            return content.concatMapIterable(parts::add)
                    .concatWith(Mono.fromSupplier(parts::last))
                    .doOnDiscard(DataBuffer.class, DataBufferUtils::release);
        });
    }

    private List<Part> add(DataBuffer buffer) {
        List<Part> full = new ArrayList<>(1);
        try {
            while (buffer.readableByteCount() > 0) {
                // A full part is handed on only when more bytes follow, so the last part is always known as last.
                if (current != null && filled == size) {
                    full.add(new Part(++number, current, filled, false));
                    current = null;
                }
                if (current == null) {
                    current = new byte[size];
                    filled = 0;
                }
                int n = Math.min(size - filled, buffer.readableByteCount());
                buffer.read(current, filled, n);
                filled += n;
            }
            return full;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private Part last() {
        Part part = new Part(++number, current == null ? new byte[0] : current, filled, true);
        current = null;
        return part;
    }
}
