package dev.enrich.client.internal;

import dev.enrich.client.MediaFile;
import dev.enrich.client.NewSession;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Make the multipart upload of a session ({@code POST /api/v1/sessions}): a JSON {@code metadata} part, then the
 * {@code audio}, {@code video} and {@code frames} files, streamed (never held whole in memory).
 */
final class Uploads {

    private static final int CHUNK = 64 * 1024;

    private Uploads() {}

    /** Return the call; idempotent (retried) only when every file can be read again. */
    static Exchanges.Call call(NewSession session) {
        boolean replayable = session.media().stream().allMatch(MediaFile::replayable);
        byte[] metadata = metadata(session);
        return new Exchanges.Call(HttpMethod.POST, "/api/v1/sessions", new Object[0], null,
                () -> BodyInserters.fromMultipartData(parts(session, metadata)),
                replayable ? Exchanges.RetryMode.IDEMPOTENT : Exchanges.RetryMode.NEVER);
    }

    private static byte[] metadata(NewSession session) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("title", session.title());
        if (session.notes() != null) {
            fields.put("notes", session.notes());
        }
        if (session.transcript() != null) {
            fields.put("transcript", session.transcript());
        }
        return Json.write(fields).getBytes(StandardCharsets.UTF_8);
    }

    private static MultiValueMap<String, HttpEntity<?>> parts(NewSession session, byte[] metadata) {
        MultipartBodyBuilder parts = new MultipartBodyBuilder();
        // Bytes, not a String: a String part typed application/json would be written as a JSON string literal.
        parts.part("metadata", metadata, MediaType.APPLICATION_JSON);
        if (session.audio() != null) {
            file(parts, "audio", session.audio());
        }
        if (session.video() != null) {
            file(parts, "video", session.video());
        }
        session.frames().forEach(frame -> file(parts, "frames", frame));
        return parts.build();
    }

    private static void file(MultipartBodyBuilder parts, String name, MediaFile file) {
        // Files are opened and read off the caller's thread (it may be an event loop).
        Flux<DataBuffer> content = file.path()
                .map(path -> DataBufferUtils.read(path, DefaultDataBufferFactory.sharedInstance, CHUNK)
                        .subscribeOn(Schedulers.boundedElastic()))
                .orElseGet(() -> file.content().orElseThrow());
        parts.asyncPart(name, content, DataBuffer.class)
                .filename(file.filename())
                .contentType(MediaType.APPLICATION_OCTET_STREAM);
    }
}
