package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.enrich.testing.ServiceTest;
import dev.enrich.testing.SseClient;
import dev.enrich.testing.TestAuthAutoConfiguration;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/**
 * Hostile uploads: too many parts, oversized part headers, broken multipart and a stream far over the limits. Each
 * gets its own 4xx problem, nothing is kept, and a 256 MB upload passes through without being copied onto the heap.
 */
@ServiceTest
@TestPropertySource(properties = {"enrich.media.max-part-size=1MB", "enrich.media.max-session-size=2MB",
        "spring.webflux.multipart.max-parts=20",
        "spring.webflux.multipart.max-headers-size=2KB", "spring.webflux.multipart.max-in-memory-size=16KB",
        "spring.webflux.multipart.max-disk-usage-per-part=2MB"})
class UploadAbuseTest {

    private static final String BOUNDARY = "enrich-test-boundary";
    private static final MediaType MULTIPART = MediaType.parseMediaType("multipart/form-data; boundary=" + BOUNDARY);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final ParameterizedTypeReference<Map<String, Object>> PROBLEM =
            new ParameterizedTypeReference<>() {};
    private static final Problem TOO_LARGE = new Problem(413, "That upload is too large.");
    private static final Problem UNREADABLE = new Problem(400, "We couldn't read that request. Please check its format.");

    final AccessLog accessLog = new AccessLog();

    @Autowired
    WebTestClient http;

    @LocalServerPort
    int port;

    @Value("${enrich.media.dir}")
    String mediaDir;

    long dirsBefore;

    @Test
    void tooManyPartsIsRefused() {
        StringBuilder body = new StringBuilder(part("metadata", null, "{\"title\":\"Many\"}"));
        for (int i = 0; i < 40; i++) {
            body.append(part("frames", "f" + i + ".png", "x"));
        }
        assertThat(post(Flux.just(bytes(body + "--" + BOUNDARY + "--\r\n"))))
                .isEqualTo(new Problem(413, "That upload has too many parts."));
        assertNothingKept();
    }

    @Test
    void oversizedPartHeadersAreRefused() {
        String header = "Content-Disposition: form-data; name=\"metadata\"; x=\"" + "a".repeat(4096) + "\"\r\n";
        String body = "--" + BOUNDARY + "\r\n" + header + "Content-Type: application/json\r\n\r\n{\"title\":\"H\"}\r\n"
                + "--" + BOUNDARY + "--\r\n";
        assertThat(post(Flux.just(bytes(body)))).isEqualTo(TOO_LARGE);
        assertNothingKept();
    }

    @Test
    void brokenMultipartIsABadRequest() {
        String truncated = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"title\":\"Cut";
        assertThat(post(Flux.just(bytes(truncated)))).isEqualTo(UNREADABLE);
        assertThat(post(Flux.just(bytes("this is not multipart at all")))).isEqualTo(UNREADABLE);
        assertNothingKept();
    }

    @Test
    void aHugeUploadIsRefusedWithoutKeepingOrCopyingIt() throws Exception {
        // 256 MB of "audio", sent chunk by chunk from one array: the client never holds it either.
        byte[] chunk = new byte[64 * 1024];
        byte[] head = utf8(part("metadata", null, "{\"title\":\"Huge\"}") + "--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"../../etc/passwd\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n");
        long allocatedBefore = allocatedByAllThreads();

        Outcome outcome = upload("huge", Stream.concat(Stream.concat(Stream.of(head),
                Stream.generate(() -> chunk).limit(4096)), Stream.of(utf8("\r\n--" + BOUNDARY + "--\r\n"))));

        long allocated = allocatedByAllThreads() - allocatedBefore;
        System.out.printf("UPLOAD 256 MB refused (%s): %d MB allocated on the heap by all threads%n", outcome,
                allocated >> 20);
        assertRefusedAsTooLarge(outcome, "huge");
        // Collector-independent: the heap bytes allocated meanwhile, client and server together, are a small part
        // of what was sent (the body passes through pooled buffers and is cut at the cap, never copied whole).
        assertThat(allocated).as("heap allocated while 256 MB were sent").isLessThan(64L << 20);
        assertNothingKept();
    }

    @Test
    void aDeclaredLengthOverTheSessionCapIsRefusedBeforeAnyByteIsRead() throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + TestAuthAutoConfiguration.BEARER + "\r\n"
                    + "Content-Type: " + MULTIPART + "\r\nContent-Length: 100000000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 413");
        }
        assertNothingKept();
    }

    @Test
    void aChunkedBodyOverTheSessionCapIsCutOffWhileStreaming() throws Exception {
        // 16 parts of 1.9 MB: each passes the parser's per-part limits, together they pass the 2 MB + 20 MB cap.
        byte[] chunk = new byte[1900 * 1024];
        Stream<byte[]> parts = IntStream.range(0, 16).boxed().flatMap(i -> Stream.of(utf8("--" + BOUNDARY
                        + "\r\nContent-Disposition: form-data; name=\"frames\"; filename=\"f" + i + ".png\"\r\n"
                        + "Content-Type: image/png\r\n\r\n"), chunk, utf8("\r\n")));
        Outcome outcome = upload("chunked", Stream.concat(Stream.concat(
                Stream.of(utf8(part("metadata", null, "{\"title\":\"Many\"}"))), parts),
                Stream.of(utf8("--" + BOUNDARY + "--\r\n"))));

        assertRefusedAsTooLarge(outcome, "chunked");
        assertNothingKept();
    }

    /**
     * How the server met a streamed upload. The server answers 413 as soon as a limit is passed and closes the
     * connection; the client may still be sending then, and the bytes it sends after the close make the server's
     * TCP stack reset the connection, which can drop the answer before the client read it. That reset is the one
     * connection error accepted, and only with proof that it was this refusal (see assertRefusedAsTooLarge).
     */
    sealed interface Outcome {
        /** The client read the answer. */
        record Answered(int status, String contentType, String body) implements Outcome {}

        /** The connection was reset while the client was still sending, after {@code sent} body bytes. */
        record ResetWhileSending(long sent, String error) implements Outcome {}
    }

    private void assertRefusedAsTooLarge(Outcome outcome, String tag) {
        if (outcome instanceof Outcome.Answered answered) {
            assertThat(answered.status()).isEqualTo(413);
            assertThat(answered.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            assertThat(SseClient.json(answered.body())).containsEntry("status", 413)
                    .containsEntry("detail", TOO_LARGE.detail());
        } else {
            Outcome.ResetWhileSending reset = (Outcome.ResetWhileSending) outcome;
            assertThat(reset.error()).isIn("Connection reset", "Connection reset by peer", "Broken pipe");
            assertThat(reset.sent()).as("bytes sent before the reset: past the 2 MB cap").isGreaterThan(2L << 20);
            // The server did answer this very request 413 (its access log line); the client could not read it.
            accessLog.await("\"POST /api/v1/sessions?upload=" + tag + " HTTP/1.1\" 413 ");
        }
    }

    /** Send a chunked multipart body from a thread of its own while reading the answer on this one. */
    private Outcome upload(String tag, Stream<byte[]> chunks) throws Exception {
        AtomicLong sent = new AtomicLong();
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(utf8("POST /api/v1/sessions?upload=" + tag + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + TestAuthAutoConfiguration.BEARER + "\r\n"
                    + "Content-Type: " + MULTIPART + "\r\nTransfer-Encoding: chunked\r\n\r\n"));
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    for (byte[] chunk : (Iterable<byte[]>) chunks::iterator) {
                        out.write(utf8(Integer.toHexString(chunk.length) + "\r\n"));
                        out.write(chunk);
                        out.write(CRLF);
                        sent.addAndGet(chunk.length);
                    }
                    out.write(utf8("0\r\n\r\n"));
                    out.flush();
                } catch (IOException stopped) {
                    // the server closed the connection; what it answered is read below
                }
            }, runnable -> new Thread(runnable, "upload-writer").start());
            try {
                return readAnswer(socket.getInputStream());
            } catch (SocketException e) {
                return new Outcome.ResetWhileSending(sent.get(), e.getMessage());
            } finally {
                socket.close();
                writing.join();
            }
        }
    }

    private static Outcome.Answered readAnswer(InputStream in) throws IOException {
        String statusLine = line(in);
        Map<String, String> headers = new HashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
        return new Outcome.Answered(Integer.parseInt(statusLine.split(" ")[1]), headers.get("content-type"),
                new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed inside the answer's head: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static long allocatedByAllThreads() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return LongStream.of(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(n -> n > 0).sum();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // On a connection of its own: the server closes one whose body it refused, and a pooled connection reused at that
    // moment would be reset under the next request.
    private Problem post(Flux<DataBuffer> body) {
        WebTestClient fresh = http.mutate()
                .clientConnector(new ReactorClientHttpConnector(HttpClient.newConnection())).build();
        Map<String, Object> problem = fresh.post().uri("/api/v1/sessions").contentType(MULTIPART)
                .body(body, DataBuffer.class)
                .exchange()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(PROBLEM).returnResult().getResponseBody();
        return new Problem((Integer) problem.get("status"), (String) problem.get("detail"));
    }

    /** What a refusal says: its status and detail (the problem's type is {@code about:blank} for all). */
    record Problem(int status, String detail) {}

    private void assertNothingKept() {
        assertThat(sessionDirs()).as("session folders after a refused upload").isEqualTo(dirsBefore);
    }

    @BeforeEach
    void countSessionDirs() {
        dirsBefore = sessionDirs();
        accessLog.start();
    }

    @AfterEach
    void stopListening() {
        accessLog.stop();
    }

    /** The service's access log lines while a test runs. */
    static final class AccessLog {
        private static final String LOGGER = "reactor.netty.http.server.AccessLog";
        private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

        void start() {
            lines.start();
            ((Logger) LoggerFactory.getLogger(LOGGER)).addAppender(lines);
        }

        void stop() {
            ((Logger) LoggerFactory.getLogger(LOGGER)).detachAppender(lines);
        }

        String await(String part) {
            return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                synchronized (lines) { // the appender adds under its own lock
                    return lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                            .filter(line -> line.contains(part)).findFirst().orElse(null);
                }
            }, line -> line != null);
        }
    }

    private long sessionDirs() {
        Path tenant = Path.of(mediaDir, "default");
        if (!Files.isDirectory(tenant)) {
            return 0;
        }
        try (Stream<Path> dirs = Files.list(tenant)) {
            return dirs.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String part(String name, String filename, String content) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (filename == null ? "" : "; filename=\"" + filename + "\"") + "\r\n"
                + "Content-Type: " + (filename == null ? "application/json" : "image/png") + "\r\n\r\n" + content
                + "\r\n";
    }

    private static DataBuffer bytes(String text) {
        return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
