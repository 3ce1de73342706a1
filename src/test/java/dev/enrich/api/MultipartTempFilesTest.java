package dev.enrich.api;

import static dev.enrich.api.ProblemDetailsTest.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ServiceTest;
import dev.enrich.testing.TestAuthAutoConfiguration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import dev.enrich.backend.local.LocalDirectoryMediaStore;
import dev.enrich.config.EnrichProperties;
import dev.enrich.session.MediaStore;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Parts over the multipart reader's in-memory size are spooled to temporary files; every upload leaves none behind,
 * whether it was accepted, refused (bad metadata, a file over a limit) or abandoned by its client midway.
 */
@ServiceTest
@TestPropertySource(properties = {"enrich.media.max-part-size=64KB",
        "spring.webflux.multipart.max-in-memory-size=16KB",
        "spring.webflux.multipart.max-disk-usage-per-part=256KB"})
class MultipartTempFilesTest {

    private static final String BOUNDARY = "temp-files-boundary";
    // 40 KB of notes: the metadata part is spooled to a file too.
    private static final String NOTES = "Spooled notes. ".repeat(40 * 1024 / 15);

    @DynamicPropertySource
    static void spoolDirectory(DynamicPropertyRegistry registry) throws IOException {
        Path fresh = Files.createTempDirectory("enrich-test-multipart-");
        registry.add("spring.webflux.multipart.file-storage-directory", fresh::toString);
    }

    @Autowired
    WebTestClient http;

    @Autowired
    GatedMediaStore gate;

    @LocalServerPort
    int port;

    @Value("${spring.webflux.multipart.file-storage-directory}")
    Path spool;

    @Test
    void anAcceptedUploadLeavesNoTemporaryFile() {
        upload("{\"title\":\"Kept\",\"notes\":\"" + NOTES + "\"}", 50 * 1024).expectStatus().isCreated();
        awaitNoTemporaryFiles();
    }

    @Test
    void anUploadWithBadMetadataLeavesNoTemporaryFile() {
        upload("{\"title\": " + NOTES, 50 * 1024).expectStatus().isBadRequest();
        awaitNoTemporaryFiles();
    }

    @Test
    void aFileOverTheMediaLimitLeavesNoTemporaryFile() {
        upload("{\"title\":\"Big\",\"notes\":\"" + NOTES + "\"}", 100 * 1024).expectStatus().isEqualTo(413);
        awaitNoTemporaryFiles();
    }

    @Test
    void aPartOverTheReadersLimitAfterASpooledPartLeavesNoTemporaryFile() {
        upload("{\"title\":\"Huge\",\"notes\":\"" + NOTES + "\"}", 400 * 1024).expectStatus().isEqualTo(413);
        awaitNoTemporaryFiles();
    }

    @Test
    void anUploadAbandonedMidwayLeavesNoTemporaryFile() throws IOException {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"title\":\"Gone\",\"notes\":\"" + NOTES + "\"}\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] audio = Fixtures.wavOfSize(60 * 1024);
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(("POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                    + TestAuthAutoConfiguration.BEARER + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
                    + "\r\nContent-Length: " + (head.length + 2 * audio.length) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.write(head);
            request.write(audio);
            out.write(request.toByteArray());
            out.flush();
            // Both parts are being spooled (the metadata complete, the audio half sent) when the client leaves.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> temporaryFiles() >= 2);
        }
        awaitNoTemporaryFiles();
    }

    @Test
    void anUploadWhoseClientLeavesWhileItIsStoredLeavesNoTemporaryFile() throws IOException {
        gate.close();
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"title\":\"Left\",\"notes\":\"" + NOTES + "\"}\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n" + new String(Fixtures.wavOfSize(50 * 1024),
                        StandardCharsets.ISO_8859_1) + "\r\n--" + BOUNDARY + "--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                    + TestAuthAutoConfiguration.BEARER + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            // The whole body is parsed and spooled; the upload waits at the store when the client leaves.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(gate::waiting);
            assertThat(temporaryFiles()).isEqualTo(2);
        } finally {
            gate.open();
        }
        awaitNoTemporaryFiles();
    }

    private WebTestClient.ResponseSpec upload(String metadata, int audioBytes) {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", metadata.getBytes(StandardCharsets.UTF_8), MediaType.APPLICATION_JSON);
        b.part("audio", file(Fixtures.wavOfSize(audioBytes), "a.wav"), MediaType.parseMediaType("audio/wav"));
        // A fresh context's first upload can take seconds on a loaded machine.
        return http.mutate().responseTimeout(Duration.ofSeconds(60)).build()
                .post().uri("/api/v1/sessions").bodyValue(b.build()).exchange();
    }

    private void awaitNoTemporaryFiles() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(temporaryFiles()).as("temporary multipart files in " + spool).isZero());
    }

    /** Hold media writes while closed, so a test can act while an upload is in the middle of being stored. */
    static final class GatedMediaStore implements MediaStore {
        private final MediaStore delegate;
        private volatile Sinks.Empty<Void> gate = opened();
        private final AtomicInteger waiting = new AtomicInteger();

        GatedMediaStore(MediaStore delegate) {
            this.delegate = delegate;
        }

        void close() {
            gate = Sinks.empty();
        }

        void open() {
            gate.tryEmitEmpty();
        }

        boolean waiting() {
            return waiting.get() > 0;
        }

        @Override
        public Mono<Stored> store(String tenant, String sessionId, Flux<DataBuffer> content, long maxBytes) {
            Sinks.Empty<Void> current = gate;
            return current.asMono()
                    .doOnSubscribe(s -> waiting.incrementAndGet())
                    .doFinally(s -> waiting.decrementAndGet())
                    .then(delegate.store(tenant, sessionId, content, maxBytes));
        }

        @Override
        public InputStream open(String key) throws IOException {
            return delegate.open(key);
        }

        @Override
        public Mono<Void> deleteSession(String tenant, String sessionId) {
            return delegate.deleteSession(tenant, sessionId);
        }

        private static Sinks.Empty<Void> opened() {
            Sinks.Empty<Void> sink = Sinks.empty();
            sink.tryEmitEmpty();
            return sink;
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class GateConfiguration {
        @Bean
        @Primary
        GatedMediaStore gatedMediaStore(EnrichProperties props) {
            return new GatedMediaStore(new LocalDirectoryMediaStore(props.media().dir()));
        }
    }

    private long temporaryFiles() {
        if (!Files.isDirectory(spool)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(spool)) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
