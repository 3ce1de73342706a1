package dev.enrich.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talk to the running service over real HTTP: create sessions and jobs, read SSE streams decoded (WebClient) or as
 * raw wire text (java.net.http, read on the calling test thread, never on a reactor thread). The one SSE fixture of
 * the tests: every test that reads an event stream reads it through this.
 */
public final class SseClient {

    public static final ParameterizedTypeReference<ServerSentEvent<String>> SSE =
            new ParameterizedTypeReference<>() {};
    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int port;
    private final WebTestClient http;
    private final WebClient web;
    private final HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Talk to the service on {@code port} as the test user ({@link TestAuthAutoConfiguration#BEARER}). */
    public SseClient(int port) {
        this(port, WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .defaultHeader(HttpHeaders.AUTHORIZATION, TestAuthAutoConfiguration.BEARER).build());
    }

    /** Talk to the service on {@code port}; REST calls go through {@code http}. */
    public SseClient(int port, WebTestClient http) {
        this(port, http, WebClient.builder());
    }

    /**
     * Talk to the service on {@code port} with streams on {@code connector}: a client with event loops of its own,
     * where the service's shutdown must not reach them (a service's Reactor Netty resources are the process's global
     * ones by default, which its context disposes when it closes, and so does every client that shares them).
     */
    public SseClient(int port, ClientHttpConnector connector) {
        this(port, WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .defaultHeader(HttpHeaders.AUTHORIZATION, TestAuthAutoConfiguration.BEARER).build(),
                WebClient.builder().clientConnector(connector));
    }

    private SseClient(int port, WebTestClient http, WebClient.Builder web) {
        this.port = port;
        this.http = http;
        this.web = web.baseUrl("http://localhost:" + port)
                .defaultHeader(HttpHeaders.AUTHORIZATION, TestAuthAutoConfiguration.BEARER).build();
    }

    /** Upload a session with one second of audio; return its id. */
    public String session() {
        Map<String, Object> created = http.post().uri("/api/v1/sessions")
                .bodyValue(Fixtures.session("Standup", "We shipped it.", Fixtures.wav(1, 8000)))
                .exchange().expectStatus().isCreated()
                .expectBody(MAP).returnResult().getResponseBody();
        return (String) created.get("id");
    }

    /** Enrich a new session's audio only; return the job id. */
    public String audioJob() {
        return (String) http.post().uri("/api/v1/sessions/{id}/enrichments", session())
                .bodyValue(Map.of("stages", List.of("audio"))).exchange().expectStatus().isAccepted()
                .expectBody(MAP).returnResult().getResponseBody().get("jobId");
    }

    /** Enrich new sessions' audio as one batch; return the batch id. */
    public String audioBatch(int sessions) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            ids.add(session());
        }
        return (String) http.post().uri("/api/v1/batches")
                .bodyValue(Map.of("sessionIds", ids, "stages", List.of("audio"))).exchange()
                .expectStatus().isAccepted()
                .expectBody(MAP).returnResult().getResponseBody().get("batchId");
    }

    /** Return a job's state as the REST API shows it. */
    public String jobState(String jobId) {
        return (String) http.get().uri("/api/v1/jobs/{id}", jobId).exchange().expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody().get("state");
    }

    /** Subscribe to an SSE endpoint; {@code lastEventId} goes into the {@code Last-Event-ID} header. */
    public Flux<ServerSentEvent<String>> sse(String path, @Nullable String lastEventId) {
        return web.get().uri(path).accept(MediaType.TEXT_EVENT_STREAM)
                .headers(h -> {
                    if (lastEventId != null) {
                        h.set("Last-Event-ID", lastEventId);
                    }
                })
                .retrieve().bodyToFlux(SSE);
    }

    /** Subscribe and keep only named events (no comments). */
    public Flux<ServerSentEvent<String>> events(String path, @Nullable String lastEventId) {
        return sse(path, lastEventId).filter(e -> e.event() != null);
    }

    /** Open a raw SSE connection; return once the response headers arrived (within 5 s). */
    public RawStream raw(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header(HttpHeaders.AUTHORIZATION, TestAuthAutoConfiguration.BEARER)
                .header("Accept", "text/event-stream");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return new RawStream(raw.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                    .get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no response headers within 5 s for " + path, e);
        }
    }

    /** Parse an event's JSON {@code data:}. */
    public static Map<String, Object> data(ServerSentEvent<String> event) {
        return json(event.data());
    }

    public static Map<String, Object> json(@Nullable String text) {
        assertThat(text).as("event data").isNotNull();
        return JSON.readValue(text, new tools.jackson.core.type.TypeReference<Map<String, Object>>() {});
    }

    public static long id(ServerSentEvent<String> event) {
        return Long.parseLong(event.id());
    }

    public static boolean terminal(ServerSentEvent<String> event) {
        return List.of("completed", "partial", "failed", "cancelled", "interrupted").contains(event.event());
    }

    /** Read an SSE response line by line on the calling (test) thread. */
    public static final class RawStream implements AutoCloseable {

        private final HttpResponse<Stream<String>> response;
        private final Iterator<String> lines;

        RawStream(HttpResponse<Stream<String>> response) {
            this.response = response;
            this.lines = response.body().iterator();
        }

        public int status() {
            return response.statusCode();
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse("");
        }

        /** Return the next frame (the lines up to a blank line), or an empty list when the stream ended. */
        public List<String> frame() {
            List<String> frame = new ArrayList<>();
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isEmpty()) {
                    return frame;
                }
                frame.add(line);
            }
            return frame;
        }

        /** Return true once the server ended the response. */
        public boolean ended() {
            return !lines.hasNext();
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (UncheckedIOException ignored) {
                // already closed by the server
            }
        }
    }

    /** Wait timeout for stream assertions. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
}
