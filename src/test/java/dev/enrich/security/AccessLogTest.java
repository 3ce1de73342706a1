package dev.enrich.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.enrich.testing.ServiceTest;
import dev.enrich.testing.TestAuthAutoConfiguration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * One access line for every request that reached the service, whatever its client did: real clients on raw sockets
 * that leave before the response is over, and query credentials blanked under any spelling of their names.
 */
@ServiceTest
class AccessLogTest {

    private static final String BOUNDARY = "left-early";
    private static final byte[] UPLOAD = ("--" + BOUNDARY + "\r\n"
            + "Content-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n"
            + "{\"title\":\"Left early\",\"notes\":\"A note.\"}\r\n--" + BOUNDARY + "--\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    @LocalServerPort
    int port;

    final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        ((Logger) LoggerFactory.getLogger(AccessLogConfiguration.LOGGER)).addAppender(lines);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger(AccessLogConfiguration.LOGGER)).detachAppender(lines);
    }

    @Test
    void anUploadWhoseClientClosesAfterTheStatusLineIsLogged() throws IOException {
        String status = sendAndLeave("POST /api/v1/sessions", "multipart/form-data; boundary=" + BOUNDARY,
                UPLOAD.length, UPLOAD);
        assertThat(status).startsWith("HTTP/1.1 201");
        awaitLine("\"POST /api/v1/sessions HTTP/1.1\" 201 ");
    }

    @Test
    void aStreamWhoseClientLeavesIsLoggedAsCancelled() throws IOException {
        String status = sendAndLeave("GET /api/v1/events", null, 0, new byte[0]);
        assertThat(status).startsWith("HTTP/1.1 200");
        assertThat(awaitLine("\"GET /api/v1/events HTTP/1.1\" 200 ")).endsWith(" ms cancelled");
    }

    @Test
    void anUploadCutOffMidBodyIsLogged() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(head("POST /api/v1/sessions?upload=cut", "multipart/form-data; boundary=" + BOUNDARY,
                    1_000_000));
            out.write(UPLOAD, 0, UPLOAD.length / 2);
            out.flush();
        }
        assertThat(awaitLine("\"POST /api/v1/sessions?upload=cut HTTP/1.1\" ")).matches(".* ms (cancelled|failed)");
    }

    @Test
    void credentialsAreBlankedUnderEveryEncodingOfTheirNames() {
        assertThat(AccessLogConfiguration.redact("/api/v1/events?ticket=abc&lastEventId=7"))
                .isEqualTo("/api/v1/events?ticket=***&lastEventId=7");
        assertThat(AccessLogConfiguration.redact("/api/v1/events?lastEventId=7&%74icket=abc&tick%65t=def"))
                .isEqualTo("/api/v1/events?lastEventId=7&%74icket=***&tick%65t=***");
        assertThat(AccessLogConfiguration.redact("/a?%54%49%43%4B%45%54=abc&Access_Token=x&k%65y=y&%zz=z&keys=k"))
                .isEqualTo("/a?%54%49%43%4B%45%54=***&Access_Token=***&k%65y=***&%zz=***&keys=k");
        assertThat(AccessLogConfiguration.redact("/api/v1/jobs")).isEqualTo("/api/v1/jobs");
        assertThat(AccessLogConfiguration.redact(null)).isEqualTo("-");
    }

    /** Send a request, read the status line and close the connection without reading on. */
    private String sendAndLeave(String requestLine, String contentType, int length, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head(requestLine, contentType, length));
            out.write(body);
            out.flush();
            return statusLine(socket.getInputStream());
        }
    }

    private byte[] head(String requestLine, String contentType, int length) {
        StringBuilder head = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
                .append("\r\nAuthorization: ").append(TestAuthAutoConfiguration.BEARER).append("\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(length)
                    .append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String statusLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).trim();
    }

    private String awaitLine(String part) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> logged().stream()
                .filter(line -> line.contains(part)).findFirst().orElse(null), line -> line != null);
    }

    private List<String> logged() {
        synchronized (lines) { // the appender adds under its own lock
            return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
