package dev.enrich.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.session.MediaStore;
import dev.enrich.session.Thumbnails;
import dev.enrich.testing.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Every endpoint and stream × every kind of caller, with the status each must get. Tenant "acme" owns the data;
 * "globex" is the other tenant and must see nothing of it: 404 like an unknown id, and no acme id in any body.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "enrich.test.default-key=false", "enrich.media.dir=${java.io.tmpdir}/enrich-security-matrix",
        "enrich.security.api-keys[0].sha256=" + SecurityMatrixTest.ALICE_SHA, "enrich.security.api-keys[0].tenant=acme",
        "enrich.security.api-keys[0].roles=USER", "enrich.security.api-keys[0].name=alice",
        "enrich.security.api-keys[1].sha256=" + SecurityMatrixTest.ADMIN_SHA, "enrich.security.api-keys[1].tenant=acme",
        "enrich.security.api-keys[1].roles=USER,ADMIN", "enrich.security.api-keys[1].name=acme-admin",
        "enrich.security.api-keys[2].sha256=" + SecurityMatrixTest.BOB_SHA, "enrich.security.api-keys[2].tenant=globex",
        "enrich.security.api-keys[2].roles=USER", "enrich.security.api-keys[2].name=bob"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityMatrixTest {

    static final String ALICE = "alice-key-0123456789";
    static final String ALICE_SHA = "7bafaa96aa2351e6b7fbc258246b08ee66ade6196c76850108303b1dd6d6eb62";
    static final String ADMIN = "acme-admin-key-0123456789";
    static final String ADMIN_SHA = "6c0eaee936372912b9ce552d5f43bd3db21dd839684b2ca5707c014bc5d52405";
    static final String BOB = "bob-key-0123456789";
    static final String BOB_SHA = "f8596239fe2c5a7d74a70da44c981f5459c078c0060e69b541814edc07d50699";

    enum Who { NONE, BAD_KEY, EXPIRED_JWT, JWT_NO_TENANT, JWT_OTHER_AUDIENCE, OTHER_TENANT, USER, USER_JWT, ADMIN }

    static JwtIssuer issuer = new JwtIssuer();

    @LocalServerPort
    int port;

    @Autowired
    MediaStore media;

    WebTestClient http;
    String session;
    String job;
    String batch;

    @DynamicPropertySource
    static void jwt(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", issuer::jwkSetUri);
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> JwtIssuer.ISSUER);
        registry.add("spring.security.oauth2.resourceserver.jwt.audiences", () -> JwtIssuer.AUDIENCE);
    }

    @AfterAll
    static void stopIssuer() {
        issuer.close();
    }

    @BeforeAll
    void acmeHasASessionAJobAndABatch() throws IOException {
        // A connection per request: every caller is a stranger to the one before (no reuse of a kept-alive
        // connection after a refused request with an unread body; once, under load, such a 401 reached the client
        // only at its timeout).
        http = WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.create(
                        ConnectionProvider.newConnection()))).baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
        session = upload(ALICE);
        upload(BOB); // globex has data of its own
        batch = (String) call(HttpMethod.POST, "/api/v1/batches", ALICE,
                "{\"sessionIds\":[\"" + session + "\"],\"stages\":[\"summary\"]}").get("batchId");
        // After the batch: the canvas endpoint shows the session's newest job, and this one makes a canvas.
        job = (String) call(HttpMethod.POST, "/api/v1/sessions/" + session + "/enrichments", ALICE,
                "{\"stages\":[\"summary\",\"canvas\"]}").get("jobId");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(
                call(HttpMethod.GET, "/api/v1/jobs/" + job, ALICE, null).get("state")));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) call(HttpMethod.GET,
                "/api/v1/batches/" + batch, ALICE, null).get("done")).intValue() == 1);
        try (OutputStream out = media.createDerived("acme", session, Thumbnails.fileName(0))) {
            out.write(Fixtures.png(1));
        }
    }

    /** One row: a request and the status each caller gets (NONE, BAD_KEY and EXPIRED_JWT get 401 unless given). */
    record Row(HttpMethod method, String path, @Nullable String json, boolean stream, int other, int user,
            int admin, int anonymous) {

        static Row of(HttpMethod method, String path, @Nullable String json, int other, int user, int admin) {
            return new Row(method, path, json, path.endsWith("/events"), other, user, admin, 401);
        }

        int expected(Who who) {
            return switch (who) {
                case NONE -> anonymous;
                case BAD_KEY, EXPIRED_JWT, JWT_NO_TENANT, JWT_OTHER_AUDIENCE -> 401;
                case OTHER_TENANT -> other;
                case USER, USER_JWT -> user;
                case ADMIN -> admin;
            };
        }
    }

    List<Row> rows() {
        HttpMethod get = HttpMethod.GET;
        HttpMethod post = HttpMethod.POST;
        String s = "/api/v1/sessions/" + session;
        return List.of(
                Row.of(post, "/api/v1/sessions", "multipart", 201, 201, 201),
                Row.of(get, s, null, 404, 200, 200),
                Row.of(get, s + "/enrichment", null, 404, 200, 200),
                Row.of(get, s + "/thumbnails/0", null, 404, 200, 200),
                Row.of(get, s + "/canvas", null, 404, 200, 200),
                Row.of(get, "/api/v1/jobs", null, 200, 200, 200),
                Row.of(get, "/api/v1/jobs?state=failed", null, 403, 403, 200),
                Row.of(get, "/api/v1/jobs?state=Failed", null, 403, 403, 200),
                Row.of(get, "/api/v1/jobs?state=%66ailed", null, 403, 403, 200), // the decoded value is "failed"
                Row.of(get, "/api/v1/jobs?state=failed&state=FAILED", null, 403, 403, 200),
                Row.of(HttpMethod.HEAD, "/api/v1/jobs?state=failed", null, 403, 403, 200),
                // What the listing cannot read is refused as such, before anything is listed, for everyone.
                Row.of(get, "/api/v1/jobs?state=%01failed", null, 400, 400, 400),
                Row.of(get, "/api/v1/jobs?state=failed%00", null, 400, 400, 400),
                Row.of(get, "/api/v1/jobs?state=%20failed", null, 400, 400, 400),
                Row.of(get, "/api/v1/jobs?state=queued&state=failed", null, 400, 400, 400),
                Row.of(get, "/api/v1/jobs?state=", null, 400, 400, 400),
                Row.of(get, "/api/v1/jobs?state=queued", null, 200, 200, 200),
                Row.of(get, "/api/v1/jobs/" + job, null, 404, 200, 200),
                Row.of(post, "/api/v1/jobs/" + job + "/retry", null, 404, 409, 409),
                Row.of(HttpMethod.DELETE, "/api/v1/jobs/" + job, null, 404, 409, 409),
                Row.of(get, "/api/v1/batches/" + batch, null, 404, 200, 200),
                Row.of(get, "/api/v1/jobs/" + job + "/events", null, 404, 200, 200),
                Row.of(get, "/api/v1/batches/" + batch + "/events", null, 404, 200, 200),
                Row.of(get, "/api/v1/events", null, 200, 200, 200),
                Row.of(post, "/api/v1/stream-tickets", "{\"jobId\":\"" + job + "\"}", 404, 201, 201),
                Row.of(post, "/api/v1/stream-tickets", "{\"batchId\":\"" + batch + "\"}", 404, 201, 201),
                Row.of(post, "/api/v1/stream-tickets", "{}", 201, 201, 201),
                Row.of(get, "/api/v1/pool", null, 403, 403, 200),
                Row.of(get, "/api/v1/resilience", null, 403, 403, 200),
                Row.of(get, "/api/v1/admin/costs", null, 403, 403, 200),
                Row.of(HttpMethod.DELETE, "/api/v1/admin/tenants/nobody", null, 403, 403, 204),
                Row.of(HttpMethod.DELETE, "/api/v1/sessions/no-such-session", null, 404, 404, 404),
                Row.of(get, "/actuator/prometheus", null, 403, 403, 200),
                Row.of(get, "/actuator/metrics", null, 403, 403, 200),
                new Row(get, "/actuator/health", null, false, 200, 200, 200, 200),
                new Row(get, "/actuator/health/liveness", null, false, 200, 200, 200, 200),
                Row.of(get, "/actuator/info", null, 403, 403, 200),
                new Row(get, "/", null, false, 200, 200, 200, 200),
                new Row(get, "/js/app.js", null, false, 200, 200, 200, 200),
                // The API description and its page: public, like the web page (they describe no data).
                new Row(get, "/v3/api-docs", null, false, 200, 200, 200, 200),
                new Row(get, "/v3/api-docs.yaml", null, false, 200, 200, 200, 200),
                new Row(get, "/swagger-ui.html", null, false, 302, 302, 302, 302),
                new Row(get, "/swagger-ui/index.html", null, false, 200, 200, 200, 200),
                // Last: these start new jobs for the session, after which its canvas is not ready for a while.
                Row.of(post, s + "/enrichments", "{\"stages\":[\"summary\"]}", 404, 202, 202),
                Row.of(post, "/api/v1/batches", "{\"sessionIds\":[\"" + session + "\"],\"stages\":[\"summary\"]}",
                        404, 202, 202));
    }

    @Test
    @Order(2)
    void everyEndpointAnswersEachCallerAsTheTableSays() {
        List<String> mismatches = new ArrayList<>();
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        for (Row row : rows()) {
            Map<Who, Integer> got = new EnumMap<>(Who.class);
            for (Who who : Who.values()) {
                Response response = send(row, credentials(who));
                got.put(who, response.status());
                checked++;
                if (response.status() != row.expected(who)) {
                    mismatches.add(row.method() + " " + row.path() + " as " + who + ": expected "
                            + row.expected(who) + " but was " + response.status() + " " + response.body());
                }
                if (response.status() >= 400 && !MediaType.APPLICATION_PROBLEM_JSON.isCompatibleWith(
                        response.contentType())) {
                    mismatches.add(row.method() + " " + row.path() + " as " + who + ": " + response.status()
                            + " is not problem+json but " + response.contentType());
                }
                if (who == Who.OTHER_TENANT && leaks(row, response.body())) {
                    leaks.add(row.method() + " " + row.path() + ": " + response.body());
                }
            }
            System.out.printf("SECURITY %-7s %-60s %s%n", row.method(), row.path().replace(session, "{s}")
                    .replace(job, "{j}").replace(batch, "{b}"), got);
        }
        System.out.printf("SECURITY checked=%d mismatches=%d crossTenantLeaks=%d%n", checked, mismatches.size(),
                leaks.size());
        assertThat(mismatches).isEmpty();
        assertThat(leaks).isEmpty();
    }

    /** Return true when {@code body} names an acme id the caller did not send (echoing its own input is fine). */
    private boolean leaks(Row row, String body) {
        String sent = row.path() + (row.json() == null ? "" : row.json());
        return List.of(session, job, batch).stream().anyMatch(id -> !sent.contains(id) && body.contains(id));
    }

    @Test
    @Order(1) // before the matrix, which starts new jobs for the session (its canvas is then not ready)
    void responsesCarryStrictSecurityHeadersAndTheCanvasKeepsItsOwnPolicy() {
        http.get().uri("/").exchange().expectStatus().isOk()
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
                .expectHeader().value("Content-Security-Policy", csp -> assertThat(csp)
                        .contains("script-src 'self'", "frame-ancestors 'none'", "object-src 'none'")
                        .doesNotContain("unsafe-inline", "unsafe-eval"));
        http.get().uri("/api/v1/jobs/" + job).headers(h -> h.setBearerAuth(ALICE)).exchange().expectStatus().isOk()
                .expectHeader().value(HttpHeaders.CACHE_CONTROL, c -> assertThat(c).contains("no-store"));
        http.get().uri("/api/v1/sessions/" + session + "/canvas").headers(h -> h.setBearerAuth(ALICE)).exchange()
                .expectStatus().isOk()
                .expectHeader().value("Content-Security-Policy", csp -> assertThat(csp)
                        .contains("default-src 'none'", "style-src 'unsafe-inline'"));
    }

    record Response(int status, @Nullable MediaType contentType, String body) {}

    private Response send(Row row, Consumer<HttpHeaders> credentials) {
        // As a URI, sent as written: a template would encode the % of %01 again.
        WebTestClient.RequestBodySpec spec = http.method(row.method())
                .uri(URI.create("http://localhost:" + port + row.path())).headers(credentials);
        WebTestClient.RequestHeadersSpec<?> request = spec;
        if ("multipart".equals(row.json())) {
            request = spec.body(BodyInserters.fromMultipartData(Fixtures.session("Matrix", "A note.", null)));
        } else if (row.json() != null) {
            request = spec.contentType(MediaType.APPLICATION_JSON).bodyValue(row.json());
        }
        FluxExchangeResult<String> result = request.exchange().returnResult(String.class);
        int status = result.getStatus().value();
        String body;
        if (row.stream() && status == 200) {
            body = result.getResponseBody().next().block(Duration.ofSeconds(10)); // the snapshot; the stream stays open
        } else {
            body = result.getResponseBody().collect(Collectors.joining()).block(Duration.ofSeconds(10));
        }
        return new Response(status, result.getResponseHeaders().getContentType(), body == null ? "" : body);
    }

    private Consumer<HttpHeaders> credentials(Who who) {
        return headers -> {
            switch (who) {
                case NONE -> { }
                case BAD_KEY -> headers.setBearerAuth("not-a-key-anyone-has");
                case EXPIRED_JWT -> headers.setBearerAuth(issuer.token("alice", "acme", List.of("USER"),
                        Duration.ofMinutes(-10)));
                case OTHER_TENANT -> headers.setBearerAuth(BOB);
                case USER -> headers.setBearerAuth(ALICE);
                case USER_JWT -> headers.setBearerAuth(issuer.token("alice", "acme", List.of("USER"),
                        Duration.ofMinutes(5)));
                case JWT_NO_TENANT -> headers.setBearerAuth(issuer.token("alice", null, List.of("USER"),
                        Duration.ofMinutes(5), JwtIssuer.AUDIENCE));
                case JWT_OTHER_AUDIENCE -> headers.setBearerAuth(issuer.token("alice", "acme", List.of("USER"),
                        Duration.ofMinutes(5), "another-service"));
                case ADMIN -> headers.setBearerAuth(ADMIN);
            }
        };
    }

    private String upload(String key) {
        Map<String, Object> created = http.post().uri("/api/v1/sessions").headers(h -> h.setBearerAuth(key))
                .body(BodyInserters.fromMultipartData(Fixtures.session("Standup", "We shipped it. We need to fix "
                        + "the flaky test.", null)))
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        return (String) created.get("id");
    }

    private Map<String, Object> call(HttpMethod method, String path, String key, @Nullable String json) {
        WebTestClient.RequestBodySpec spec = http.method(method).uri(path).headers(h -> h.setBearerAuth(key));
        WebTestClient.RequestHeadersSpec<?> request = json == null ? spec
                : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(json);
        return request.exchange().expectStatus().is2xxSuccessful().expectBody(MAP).returnResult().getResponseBody();
    }

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
}
