package dev.enrich.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.MutableClock;
import dev.enrich.testing.LogsWritten;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * EventSource tickets: one use, one stream, one caller, a short life; CORS for configured origins; and neither
 * tickets nor keys in any log line, even with the web, security and server loggers at DEBUG.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "enrich.test.default-key=false", "enrich.media.dir=${java.io.tmpdir}/enrich-ticket-media",
        "enrich.security.tickets.ttl=30s", "enrich.security.cors-origins=https://app.example.test",
        "enrich.security.api-keys[0].sha256=" + SecurityMatrixTest.ALICE_SHA, "enrich.security.api-keys[0].tenant=acme",
        "enrich.security.api-keys[1].sha256=" + SecurityMatrixTest.BOB_SHA,
        "enrich.security.api-keys[1].tenant=globex"})
@ExtendWith(OutputCaptureExtension.class)
class StreamTicketTest {

    private static final String ALICE = SecurityMatrixTest.ALICE;
    private static final String BOB = SecurityMatrixTest.BOB;
    private static final List<String> LOUD = List.of("org.springframework.web", "org.springframework.security",
            "org.springframework.http", "reactor.netty.http.server", "dev.enrich");
    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

    @TestConfiguration
    static class Time {
        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock(Instant.now());
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    WebTestClient http;
    final Map<String, Level> saved = new HashMap<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final List<String> secrets = new ArrayList<>(List.of(ALICE, BOB));

    @BeforeEach
    void start() {
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build();
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        for (String name : LOUD) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            saved.put(name, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
    }

    @AfterEach
    void noTicketOrKeyWasLogged(CapturedOutput output) {
        saved.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        List<ILoggingEvent> events;
        synchronized (logs) { // a thread may still be adding (it took the appender before the detach), under this lock
            events = List.copyOf(logs.list);
        }
        assertThat(events.stream().filter(e -> e.getLevel() == Level.DEBUG))
                .as("the loggers were really at DEBUG").hasSizeGreaterThan(10);
        assertThat(events.stream().map(ILoggingEvent::getFormattedMessage))
                .as("raw DEBUG events do carry tickets: what is written must be redacted")
                .anyMatch(line -> secrets.stream().skip(2).anyMatch(line::contains));
        LogsWritten.in(output);
        assertThat(output.getAll()).as("lines were written, with the tickets blanked").contains("ticket=***");
        for (String secret : secrets) {
            assertThat(output.getAll()).doesNotContain(secret);
        }
    }

    @Test
    void aTicketOpensItsStreamOnceAndOnlyThat() {
        String job = job(ALICE);
        Map<String, Object> ticket = ticket(ALICE, "{\"jobId\":\"" + job + "\"}", 201);
        String url = (String) ticket.get("url");
        assertThat(url).isEqualTo("/api/v1/jobs/" + job + "/events?ticket=" + ticket.get("ticket"));
        assertThat(Instant.parse((String) ticket.get("expiresAt"))).isBefore(clock.instant().plusSeconds(61));

        FluxExchangeResult<String> opened = http.get().uri(url).exchange().returnResult(String.class);
        assertThat(opened.getStatus().value()).isEqualTo(200);
        assertThat(opened.getResponseHeaders().getFirst("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(opened.getResponseBody().next().block(Duration.ofSeconds(10))).contains(job);

        assertThat(status(url)).as("reused").isEqualTo(401);
    }

    @Test
    void anExpiredTicketIsRefused() {
        String url = (String) ticket(ALICE, "{}", 201).get("url");
        clock.advance(Duration.ofSeconds(31));
        assertThat(status(url)).isEqualTo(401);
    }

    @Test
    void aTicketForOneJobDoesNotOpenAnother() {
        String first = job(ALICE);
        String second = job(ALICE);
        String ticket = (String) ticket(ALICE, "{\"jobId\":\"" + first + "\"}", 201).get("ticket");
        assertThat(status("/api/v1/jobs/" + second + "/events?ticket=" + ticket)).isEqualTo(401);
        assertThat(status("/api/v1/jobs/" + first + "/events?ticket=" + ticket)).as("spent by the failed try")
                .isEqualTo(401);
    }

    @Test
    void anotherTenantGetsNoTicketForAJobAndItsOwnTicketsOpenNothingOfOthers() {
        String job = job(ALICE);
        ticket(BOB, "{\"jobId\":\"" + job + "\"}", 404);
        String bobs = (String) ticket(BOB, "{}", 201).get("ticket");
        assertThat(status("/api/v1/jobs/" + job + "/events?ticket=" + bobs)).isEqualTo(401);
    }

    @Test
    void aTicketForAJobAndABatchAtOnceIsABadRequest() {
        String ticket = (String) ticket(ALICE, "{}", 201).get("ticket");
        assertThat(status("/api/v1/events?ticket=" + ticket)).isEqualTo(200);
        Map<String, Object> problem = ticket(ALICE, "{\"jobId\":\"a\",\"batchId\":\"b\"}", 400);
        assertThat(problem).containsEntry("detail", "Name a job or a batch, not both.").containsEntry("status", 400);
    }

    @Test
    void ticketsOpenStreamsOnlyNeverOtherEndpoints() {
        String job = job(ALICE);
        String ticket = (String) ticket(ALICE, "{\"jobId\":\"" + job + "\"}", 201).get("ticket");
        assertThat(status("/api/v1/jobs/" + job + "?ticket=" + ticket)).isEqualTo(401);
        assertThat(status("/api/v1/events?ticket=made-up")).isEqualTo(401);
    }

    @Test
    void ticketsUnderPercentEncodedNamesAreBlankedInTheAccessLogAndEveryOtherLine(CapturedOutput output) {
        for (String name : List.of("ticket", "%74icket", "tick%65t", "TICK%45T")) {
            String ticket = (String) ticket(ALICE, "{}", 201).get("ticket");
            // Spring decodes query names: an encoded name is the ticket parameter all the same, so it opens the stream.
            int expected = name.equals("TICK%45T") ? 401 : 200;
            assertThat(status(URI.create("http://localhost:" + port + "/api/v1/events?" + name + "=" + ticket
                    + "&lastEventId=0"))).as(name).isEqualTo(expected);
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
                    .as("the access line, still readable but for the ticket")
                    .contains("\"GET /api/v1/events?" + name + "=***&lastEventId=0 HTTP/1.1\" " + expected));
        }
    }

    @Test
    void configuredOriginsMayOpenStreamsAndAskForTickets() {
        String url = (String) ticket(ALICE, "{}", 201).get("url");
        FluxExchangeResult<String> stream = http.get().uri(url).header(HttpHeaders.ORIGIN, "https://app.example.test")
                .exchange().returnResult(String.class);
        assertThat(stream.getStatus().value()).isEqualTo(200);
        assertThat(stream.getResponseHeaders().getAccessControlAllowOrigin()).isEqualTo("https://app.example.test");
        stream.getResponseBody().next().block(Duration.ofSeconds(10));

        http.options().uri("/api/v1/stream-tickets").header(HttpHeaders.ORIGIN, "https://app.example.test")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization,content-type")
                .exchange().expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://app.example.test");
        http.options().uri("/api/v1/stream-tickets").header(HttpHeaders.ORIGIN, "https://evil.example.test")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .exchange().expectStatus().isForbidden();
    }

    private int status(String url) {
        return status(http.get().uri(url));
    }

    private int status(URI url) {
        return status(http.get().uri(url));
    }

    private int status(WebTestClient.RequestHeadersSpec<?> request) {
        FluxExchangeResult<String> result = request.exchange().returnResult(String.class);
        int status = result.getStatus().value();
        if (status == 200) {
            result.getResponseBody().next().block(Duration.ofSeconds(10));
        } else {
            result.getResponseBody().blockLast(Duration.ofSeconds(10));
        }
        return status;
    }

    private Map<String, Object> ticket(String key, String json, int expected) {
        Map<String, Object> body = http.post().uri("/api/v1/stream-tickets").headers(h -> h.setBearerAuth(key))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange()
                .expectStatus().isEqualTo(expected)
                .expectBody(MAP).returnResult().getResponseBody();
        if (expected == 201) {
            secrets.add((String) body.get("ticket"));
        }
        return body;
    }

    private String job(String key) {
        String session = (String) http.post().uri("/api/v1/sessions").headers(h -> h.setBearerAuth(key))
                .body(BodyInserters.fromMultipartData(Fixtures.session("Tickets", "A note.", null)))
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("id");
        return (String) http.method(HttpMethod.POST).uri("/api/v1/sessions/{id}/enrichments", session)
                .headers(h -> h.setBearerAuth(key)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"stages\":[\"summary\"]}").exchange().expectStatus().isAccepted()
                .expectBody(MAP).returnResult().getResponseBody().get("jobId");
    }
}
