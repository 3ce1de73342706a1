package dev.enrich.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/**
 * Retries of the SDK against a real HTTP server that misbehaves on purpose. A job's stream that stays quiet for long
 * (only heartbeats) and is cut now and then keeps its reconnects: a connection that carried a heartbeat worked, so
 * the count of reconnects in a row starts again; a server that cuts every connection before a heartbeat still
 * exhausts them. A delete whose answer was lost, retried and answered 404, is done.
 */
class ClientRetriesTest {

    private static final int CUTS = 10; // more than the 3 reconnects in a row the client allows
    private static final RetryPolicy THREE = new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20),
            Duration.ofSeconds(1));

    private DisposableServer server;

    @AfterEach
    void stop() {
        server.disposeNow();
    }

    @Test
    void heartbeatsKeepTheReconnectBudget() {
        AtomicInteger connections = start(":heartbeat\n\n");
        StepVerifier.create(client().events("j1"))
                .assertNext(event -> assertThat(event).isInstanceOf(JobEvent.Completed.class))
                .verifyComplete();
        assertThat(connections).hasValue(CUTS + 1);
    }

    @Test
    void connectionsCutBeforeAHeartbeatRunOutOfReconnects() {
        AtomicInteger connections = start("");
        StepVerifier.create(client().events("j1"))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(EnrichClientException.class)
                        .hasMessageContaining("cut off"))
                .verify();
        assertThat(connections).hasValue(4); // the first and three reconnects
    }

    @Test
    void aDeleteWhoseAnswerWasLostIsDoneWhenTheRetryFindsNothing() {
        AtomicInteger deletes = new AtomicInteger();
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.delete("/api/v1/sessions/{id}", (request, response) -> {
                    if (deletes.incrementAndGet() == 1) { // deleted, then the connection drops before the answer
                        response.withConnection(Connection::dispose);
                        return Mono.never();
                    }
                    return response.status(404).header("Content-Type", "application/problem+json")
                            .sendString(Mono.just("{\"title\":\"Not Found\",\"status\":404}"));
                }))
                .bindNow();
        StepVerifier.create(client().delete("s1")).verifyComplete();
        assertThat(deletes).hasValue(2);
    }

    @Test
    void aFirstDeleteAnswered404StillFails() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.delete("/api/v1/sessions/{id}", (request, response) -> response.status(404)
                        .header("Content-Type", "application/problem+json")
                        .sendString(Mono.just("{\"title\":\"Not Found\",\"status\":404}"))))
                .bindNow();
        StepVerifier.create(client().delete("s1")).expectError(NotFoundException.class).verify();
    }

    /** Start a server whose first {@link #CUTS} answers are the opening frame plus {@code quiet}, then a cut. */
    private AtomicInteger start(String quiet) {
        AtomicInteger connections = new AtomicInteger();
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.get("/api/v1/jobs/{id}/events", (request, response) -> {
                    int n = connections.incrementAndGet();
                    String body = n <= CUTS ? "retry:3000\n:stream open\n\n" + quiet
                            : "event:completed\ndata:{\"type\":\"completed\",\"seq\":7,\"jobId\":\"j1\","
                                    + "\"message\":\"Enrichment complete\",\"at\":\"2026-12-06T06:00:00Z\"}\n\n";
                    return response.header("Content-Type", "text/event-stream").sendString(Mono.just(body));
                }))
                .bindNow();
        return connections;
    }

    private EnrichClient client() {
        return EnrichClient.builder().baseUrl("http://127.0.0.1:" + server.port()).apiKey("test-key")
                .callRetries(THREE).streamRetries(THREE).build();
    }
}
