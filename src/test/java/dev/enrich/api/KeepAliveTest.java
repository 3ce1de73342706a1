package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.Thumbnails;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.KeepAliveConnection;
import dev.enrich.testing.ServiceTest;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Keep a connection alive across requests whose answers complete off the event loop and on it. Guards against
 * reactor-netty#4361 (fixed in 1.3.8): after a queued request was answered synchronously the connection stopped
 * reading, and its next request never got an answer. bench/README.md has the long-running reproduction.
 */
@ServiceTest
class KeepAliveTest {

    // Long enough to rule out a slow machine; only a connection that stopped reading waits this long.
    private static final Duration HANG = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    SessionRepository sessions;

    @Autowired
    MediaStore media;

    @Test
    void pipelinedRequestsOnOneKeepAliveConnectionAreAllAnswered() throws Exception {
        String id = UUID.randomUUID().toString();
        sessions.save(new Session(id, "default", "T", SessionText.inline("Notes."), null, List.of(), Instant.now())).block();
        try (OutputStream out = media.createDerived("default", id, Thumbnails.fileName(0))) {
            out.write(Fixtures.png(1));
        }
        List<Integer> statuses = new ArrayList<>();
        try (KeepAliveConnection connection = new KeepAliveConnection(port, HANG)) {
            for (int round = 0; round < 3; round++) {
                // The thumbnail is read on bounded elastic; the session is answered on the event loop.
                connection.get(Thumbnails.path(id, 0), "/api/v1/sessions/" + id);
                statuses.add(connection.readResponse());
                statuses.add(connection.readResponse());
            }
        }

        assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 200);
    }
}
