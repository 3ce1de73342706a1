package dev.enrich.api;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Digest the parts of a multipart request (SHA-256 over their names, file names and content) while they stream to
 * whatever reads them, never holding a part in heap. Parts are taken in order of name, then as they came: a client
 * that sends the same parts in another order of names sends the same request.
 *
 * <p>A part read to its end by the upload is digested on the way; a part the upload read only in part, or not at all,
 * is read once more (from its spool file, or its bytes in memory) when the digest is asked for.
 */
final class PartDigests {

    private final MultiValueMap<String, Part> parts = new LinkedMultiValueMap<>();
    private final List<Tap> taps = new ArrayList<>();

    private PartDigests(MultiValueMap<String, Part> received) {
        TreeMap<String, List<Tap>> byName = new TreeMap<>();
        received.forEach((name, list) -> list.forEach(part -> {
            Tap tap = new Tap(part);
            byName.computeIfAbsent(name, n -> new ArrayList<>()).add(tap);
            parts.add(name, tap.tapped());
        }));
        byName.values().forEach(taps::addAll);
    }

    /** Return the digest of these parts: read them through {@link #parts()}, then ask for the {@link #fingerprint}. */
    static PartDigests of(MultiValueMap<String, Part> received) {
        return new PartDigests(received);
    }

    /** Return the parts, by name as received, each digested as it is read. */
    MultiValueMap<String, Part> parts() {
        return parts;
    }

    /** Digest {@code requestLine} and every part, reading what was not read to its end. */
    Mono<String> fingerprint(String requestLine) {
        return Flux.fromIterable(taps)
                .concatMap(Tap::digest)
                .collectList()
                .map(digests -> {
                    MessageDigest all = Fingerprint.sha256();
                    Fingerprint.update(all, requestLine);
                    for (int i = 0; i < taps.size(); i++) {
                        Part part = taps.get(i).part;
                        Fingerprint.update(all, part.name());
                        Fingerprint.update(all, part instanceof FilePart file ? "file:" + file.filename() : "field");
                        all.update(digests.get(i));
                    }
                    return Fingerprint.hex(all.digest());
                });
    }

    /** One part: its content digested on every read, kept once a read reached the end. */
    private static final class Tap {

        private final Part part;
        private volatile byte @Nullable [] complete;

        Tap(Part part) {
            this.part = part;
        }

        Flux<DataBuffer> content() {
            return Flux.defer(() -> {
                MessageDigest digest = Fingerprint.sha256();
                return part.content()
                        .doOnNext(buffer -> {
                            // Views of the readable bytes: the reader's position stays where it was.
                            try (DataBuffer.ByteBufferIterator views = buffer.readableByteBuffers()) {
                                views.forEachRemaining(digest::update);
                            }
                        })
                        .doOnComplete(() -> complete = digest.digest());
            });
        }

        Mono<byte[]> digest() {
            return Mono.defer(() -> {
                byte[] done = complete;
                return done != null ? Mono.just(done)
                        : content().doOnNext(DataBufferUtils::release).then(Mono.fromSupplier(
                                () -> Objects.requireNonNull(complete, "a part's content ended without completing")));
            });
        }

        Part tapped() {
            if (part instanceof FormFieldPart) {
                return part; // its value is read as a string, its content is made anew on every read
            }
            return part instanceof FilePart file ? new TappedFile(file, this) : new TappedPart(part, this);
        }
    }

    /** A part (neither a file nor a plain form field) whose content is digested as it is read. */
    private static class TappedPart implements Part {

        private final Part part;
        private final Tap tap;

        TappedPart(Part part, Tap tap) {
            this.part = part;
            this.tap = tap;
        }

        @Override
        public String name() {
            return part.name();
        }

        @Override
        public HttpHeaders headers() {
            return part.headers();
        }

        @Override
        public Flux<DataBuffer> content() {
            return tap.content();
        }

        @Override
        public Mono<Void> delete() {
            return part.delete();
        }
    }

    /** A file part whose content is digested as it is read. */
    private static final class TappedFile extends TappedPart implements FilePart {

        private final String filename;

        TappedFile(FilePart part, Tap tap) {
            super(part, tap);
            this.filename = part.filename();
        }

        @Override
        public String filename() {
            return filename;
        }

        @Override
        public Mono<Void> transferTo(Path dest) {
            return DataBufferUtils.write(content(), dest);
        }
    }
}
