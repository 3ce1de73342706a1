package dev.enrich.session;

import java.io.IOException;
import java.io.InputStream;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Store session media as opaque keyed blobs, streamed, never held whole in memory (port). */
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

    /** Delete everything stored for a session. */
    Mono<Void> deleteSession(String tenant, String sessionId);

    /** Describe stored content. */
    record Stored(String key, long size) {}
}
