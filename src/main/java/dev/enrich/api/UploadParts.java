package dev.enrich.api;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.springframework.core.ResolvableType;
import org.springframework.http.MediaType;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.codec.multipart.Part;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Read the parts of a multipart upload and delete their temporary files when the request ends, on every path.
 *
 * <p>The multipart reader ({@code spring.webflux.multipart.*}) writes parts over {@code max-in-memory-size} to files
 * in {@code file-storage-directory}. The framework deletes them only after a handled request: not when the client
 * goes away, and not those parsed before a later part failed (a size limit, a broken body). Here every part is
 * recorded as it is parsed and deleted when the work on it completes, fails or is cancelled.
 */
@Component
class UploadParts {

    private static final ResolvableType PART = ResolvableType.forClass(Part.class);

    private final HttpMessageReader<Part> reader;

    @SuppressWarnings("unchecked")
    UploadParts(ServerCodecConfigurer codecs) {
        this.reader = (HttpMessageReader<Part>) codecs.getReaders().stream()
                .filter(r -> r.canRead(PART, MediaType.MULTIPART_FORM_DATA))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no multipart reader among the server codecs"));
    }

    /**
     * Read all parts of the request, by name, and run {@code use} on them; delete every part's temporary file once
     * the result completes, fails or is cancelled.
     */
    <T> Mono<T> use(ServerWebExchange exchange, Function<MultiValueMap<String, Part>, Mono<T>> use) {
        return Mono.usingWhen(Mono.fromSupplier(ConcurrentLinkedQueue<Part>::new),
                seen -> reader.read(PART, exchange.getRequest(), Map.of())
                        .doOnNext(seen::add)
                        .collect(LinkedMultiValueMap<String, Part>::new, (parts, part) -> parts.add(part.name(), part))
                        .flatMap(use),
                UploadParts::deleteAll,
                (seen, error) -> deleteAll(seen),
                UploadParts::deleteAll);
    }

    private static Mono<Void> deleteAll(Queue<Part> parts) {
        return Flux.fromIterable(parts).concatMap(part -> part.delete().onErrorComplete()).then();
    }
}
