package dev.enrich.bench;

import dev.enrich.EnrichApplication;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import dev.enrich.session.SessionRepository;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.KeepAliveConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Look for keep-alive requests that hang: start the service in this JVM on 127.0.0.1, then send many GETs over a few
 * persistent HTTP/1.1 connections, alternating answers completed off the event loop (a bench route answering after
 * a 1 ms timer; a thumbnail, read on bounded elastic) with one answered on it (the session as JSON). A request with
 * no complete answer within the hang threshold is reported as a hang; its connection is closed and replaced, and
 * the run goes on. Bounded in requests and in time; stops by itself and stops the service.
 *
 * <p>Modes: {@code sequential} sends the next request as soon as the previous answer is read (browsers, curl,
 * connection pools); {@code pipelined} writes the pair of requests back to back before reading (the shape of
 * reactor-netty issue #4361's reproducer).
 *
 * <p>Run: {@code ./mvnw -B -q test-compile exec:java -Dexec.mainClass=dev.enrich.bench.KeepAliveBench
 * -Dexec.classpathScope=test -Dexec.args="requests connections seconds mode"} (defaults 20000 8 300 sequential), or
 * in a JVM of its own as bench/README.md shows. Prints a summary and one line per hang.
 */
public final class KeepAliveBench {

    private static final long HANG_MILLIS = Long.getLong("bench.hangMillis", 5_000);

    private KeepAliveBench() {}

    /** Run the benchmark: {@code [requests] [connections] [seconds] [sequential|pipelined]}. */
    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 300;
        boolean pipelined = args.length > 3 && args[3].equals("pipelined");
        Path media = Files.createTempDirectory("keepalive-bench");
        ConfigurableApplicationContext app = new SpringApplicationBuilder(EnrichApplication.class, DelayedRoute.class)
                .run("--server.port=0", "--server.address=127.0.0.1", "--enrich.media.dir=" + media,
                        "--logging.level.root=WARN", "--enrich.limits.requests-per-second=1000000");
        try {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            app.getBean(SessionRepository.class).save(new Session("bench", "default", "Bench", SessionText.inline("Notes."), null,
                    List.of(), Instant.now())).block();
            try (OutputStream out = app.getBean(MediaStore.class).createDerived("default", "bench",
                    "thumbnail-0.png")) {
                out.write(Fixtures.png(1));
            }
            System.out.printf(Locale.ROOT, "java %s, %d cpus, reactor-netty %s; %d requests over %d %s keep-alive "
                            + "connections, at most %d s, hang = no answer within %d ms%n",
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                    reactor.netty.http.server.HttpServer.class.getPackage().getImplementationVersion(), requests,
                    connections, pipelined ? "pipelined" : "sequential", seconds, HANG_MILLIS);
            Result result = run(port, requests, connections, seconds * 1000, pipelined);
            result.print();
        } finally {
            app.close();
        }
    }

    private static Result run(int port, int requests, int connections, long budgetMillis, boolean pipelined)
            throws InterruptedException {
        Result result = new Result();
        AtomicLong left = new AtomicLong(requests);
        long deadline = System.currentTimeMillis() + budgetMillis;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int id = c;
            Thread t = new Thread(() -> new Client(id, port, pipelined, result).loop(left, deadline),
                    "keepalive-" + c);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        result.elapsedMillis = budgetMillis - Math.max(0, deadline - System.currentTimeMillis());
        return result;
    }

    /**
     * Add a route whose answer (with a Content-Length) completes on a timer thread, off the event loop, the way a
     * response does after any asynchronous work.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class DelayedRoute {
        static final String PATH = "/bench/delayed";

        @Bean
        RouterFunction<ServerResponse> delayedRoute() {
            return RouterFunctions.route(RequestPredicates.GET(PATH), request -> ServerResponse.ok()
                    .contentType(MediaType.TEXT_PLAIN)
                    .body(Mono.delay(Duration.ofMillis(1)).thenReturn("ok"), String.class));
        }
    }

    /** One persistent connection sending GETs in a loop. */
    private static final class Client {
        // Pairs: an answer completed off the event loop, then one answered on it.
        private static final String[] PATHS = {DelayedRoute.PATH, "/api/v1/sessions/bench",
            "/api/v1/sessions/bench/thumbnails/0", "/api/v1/sessions/bench"};

        private final int id;
        private final int port;
        private final boolean pipelined;
        private final Result result;
        private @Nullable KeepAliveConnection connection;

        Client(int id, int port, boolean pipelined, Result result) {
            this.id = id;
            this.port = port;
            this.pipelined = pipelined;
            this.result = result;
        }

        void loop(AtomicLong left, long deadline) {
            long sent = 0;
            String waiting = "";
            try {
                KeepAliveConnection c = connect();
                while (System.currentTimeMillis() < deadline && left.getAndAdd(-PATHS.length) > 0) {
                    try {
                        for (int i = 0; i < PATHS.length; i += 2) {
                            long start = System.nanoTime();
                            if (pipelined) {
                                waiting = PATHS[i] + " + " + PATHS[i + 1];
                                c.get(PATHS[i], PATHS[i + 1]);
                                expectOk(c, PATHS[i]);
                                expectOk(c, PATHS[i + 1]);
                                result.record((System.nanoTime() - start) / 2, 2);
                            } else {
                                for (int j = i; j <= i + 1; j++) {
                                    long one = System.nanoTime();
                                    waiting = PATHS[j];
                                    c.get(PATHS[j]);
                                    expectOk(c, PATHS[j]);
                                    result.record(System.nanoTime() - one, 1);
                                }
                            }
                            sent += 2;
                        }
                    } catch (SocketTimeoutException e) {
                        result.hangs.add(String.format(Locale.ROOT, "HANG connection %d, GET %s after %d requests "
                                + "on it: no complete answer within %d ms", id, waiting, sent, HANG_MILLIS));
                        c = connect();
                        sent = 0;
                    }
                }
            } catch (IOException e) {
                result.errors.add("ERROR connection " + id + " (closed): " + e);
            } finally {
                close();
            }
        }

        private static void expectOk(KeepAliveConnection c, String path) throws IOException {
            int status = c.readResponse();
            if (status != 200) {
                throw new IOException("GET " + path + " answered " + status);
            }
        }

        private KeepAliveConnection connect() throws IOException {
            close();
            KeepAliveConnection c = new KeepAliveConnection(port, Duration.ofMillis(HANG_MILLIS));
            connection = c;
            return c;
        }

        private void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (IOException ignored) {
                    // closing a broken socket
                }
            }
        }
    }

    /** Collect latencies and hangs from every connection. */
    private static final class Result {
        private final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        private final ConcurrentLinkedQueue<String> hangs = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        private final AtomicLong answered = new AtomicLong();
        private long elapsedMillis;

        void record(long latencyNanos, int count) {
            nanos.add(latencyNanos);
            answered.addAndGet(count);
        }

        void print() {
            List<Long> sorted;
            synchronized (nanos) {
                sorted = new ArrayList<>(nanos);
            }
            Collections.sort(sorted);
            hangs.forEach(System.out::println);
            errors.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "answered %d requests in %.1f s (%.0f/s); latency p50 %.2f ms, p99 %.2f ms,"
                            + " max %.1f ms; hangs: %d, errors: %d%n",
                    answered.get(), elapsedMillis / 1000.0, answered.get() * 1000.0 / Math.max(1, elapsedMillis),
                    percentile(sorted, 0.50), percentile(sorted, 0.99),
                    sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6, hangs.size(), errors.size());
        }

        private static double percentile(List<Long> sorted, double p) {
            return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, p * sorted.size())) / 1e6;
        }
    }
}
