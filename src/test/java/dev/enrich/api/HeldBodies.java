package dev.enrich.api;

import dev.enrich.testing.TestAuthAutoConfiguration;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Send POSTs whose bodies stop halfway until a gate opens: a request the server has begun to handle (its key claimed)
 * stays in flight for as long as a test needs, with no sleep and no hook in the server.
 */
final class HeldBodies {

    static final String BOUNDARY = "idempotency-test-boundary";
    static final MediaType MULTIPART = MediaType.parseMediaType("multipart/form-data; boundary=" + BOUNDARY);

    private HeldBodies() {}

    /** Return a client of the service on {@code port}, signed in as the default test tenant. */
    static WebClient client(int port) {
        return WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .defaultHeader(HttpHeaders.AUTHORIZATION, TestAuthAutoConfiguration.BEARER).build();
    }

    /** Return a session upload as multipart bytes: JSON metadata with {@code title}, and {@code audio}. */
    static byte[] session(String title, byte[] audio) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"title\":\"" + title + "\"}\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"talk.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(audio);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Return {@code body} in two halves, the second sent only once {@code gate} completes. */
    static Flux<DataBuffer> held(byte[] body, Mono<Void> gate) {
        int half = body.length / 2;
        return Flux.concat(Mono.fromSupplier(() -> wrap(Arrays.copyOfRange(body, 0, half))),
                gate.then(Mono.fromSupplier(() -> wrap(Arrays.copyOfRange(body, half, body.length)))));
    }

    /** Return {@code body} whole, at once. */
    static Flux<DataBuffer> whole(byte[] body) {
        return Flux.defer(() -> Flux.just(wrap(body)));
    }

    /** POST {@code body} of {@code type} to {@code path} with {@code key} (none when null); the answer as text. */
    static Mono<ResponseEntity<String>> post(WebClient client, String path, MediaType type, Flux<DataBuffer> body,
            String key) {
        return client.post().uri(path).contentType(type)
                .headers(h -> {
                    if (key != null) {
                        h.set("Idempotency-Key", key);
                    }
                })
                .body(body, DataBuffer.class)
                .exchangeToMono(response -> response.toEntity(String.class));
    }

    static DataBuffer wrap(byte[] bytes) {
        return DefaultDataBufferFactory.sharedInstance.wrap(bytes);
    }
}
