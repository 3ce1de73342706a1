package dev.enrich.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.ServiceTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Liveness goes DOWN (503) once the JVM ran out of memory, and only then. The OOM is handed to the watch as its
 * JVM-wide hooks would; throwing a real one on a shared thread would break every context cached in this JVM.
 */
@ServiceTest
@DirtiesContext
class OutOfMemoryWatchTest {

    @Autowired
    WebTestClient http;

    @Autowired
    OutOfMemoryWatch watch;

    @Test
    void livenessGoesDownOnceAnOutOfMemoryErrorWasSeen() {
        liveness().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");

        watch.record(new IllegalStateException("not memory", new RuntimeException("nor this")));
        liveness().expectStatus().isOk();
        assertThat(watch.seen()).isFalse();

        watch.record(new RuntimeException("wrapped", new OutOfMemoryError("Java heap space (simulated)")));
        assertThat(watch.seen()).isTrue();
        liveness().expectStatus().isEqualTo(503).expectBody().jsonPath("$.status").isEqualTo("DOWN");
    }

    @Test
    void uncaughtHandlerHandsEveryFailureToTheWatchAndThenToTheNextHandler() throws InterruptedException {
        List<Throwable> seen = new CopyOnWriteArrayList<>();
        List<Throwable> next = new CopyOnWriteArrayList<>();
        Thread thread = new Thread(() -> {
            throw new OutOfMemoryError("simulated");
        });
        thread.setUncaughtExceptionHandler(OutOfMemoryWatch.chain(seen::add, (t, e) -> next.add(e)));
        thread.start();
        thread.join();

        assertThat(seen).singleElement().isInstanceOf(OutOfMemoryError.class);
        assertThat(next).containsExactlyElementsOf(seen);
        assertThat(OutOfMemoryWatch.isOutOfMemory(seen.get(0))).isTrue();
        assertThat(OutOfMemoryWatch.isOutOfMemory(new Error("other", new StackOverflowError()))).isFalse();
    }

    private WebTestClient.ResponseSpec liveness() {
        return http.get().uri("/actuator/health/liveness").exchange();
    }

}
