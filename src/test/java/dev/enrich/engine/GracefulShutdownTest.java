package dev.enrich.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.enrich.EnrichApplication;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageState;
import dev.enrich.pool.WorkerPool;
import dev.enrich.pipeline.StageName;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import dev.enrich.session.SessionRepository;
import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.testing.EnrichProcess;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.SseClient;
import dev.enrich.testing.TestAuthAutoConfiguration;
import dev.enrich.testing.TestStagesConfiguration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/** Start and stop a real service to prove the drain: finish what can finish, interrupt the rest, free streams. */
class GracefulShutdownTest {

    @Test
    void shutdownLetsShortJobsFinishInterruptsLongOnesAndEndsStreamsPromptly() {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(EnrichApplication.class,
                TestStagesConfiguration.class)
                .run("--server.port=0", "--enrich.pool.concurrency=2", "--enrich.pool.drain-timeout=2s",
                        "--enrich.media.dir=${java.io.tmpdir}/enrich-test-media");
        ScriptedStages stages = app.getBean(ScriptedStages.class);
        EnrichmentService service = app.getBean(EnrichmentService.class);
        JobRepository jobs = app.getBean(JobRepository.class);
        for (String id : List.of("short", "long")) {
            app.getBean(SessionRepository.class).save(new Session(id, "default", "T", SessionText.inline("Notes."),
                    null, List.of(), Instant.now())).block();
        }

        // SUMMARY of session "short" finishes after ~300 ms; of "long" it runs until interrupted.
        stages.script(StageName.SUMMARY, ctx -> ctx.session().id().equals("short")
                ? ScriptedStages.ticks(StageName.SUMMARY, 3, Duration.ofMillis(100))
                : ScriptedStages.forever(StageName.SUMMARY, Duration.ofMillis(20)));
        Job longJob = service.enrich("default", "long", EnumSet.of(StageName.SUMMARY), Priority.INTERACTIVE)
                .block();
        Job shortOne = service.enrich("default", "short", EnumSet.of(StageName.SUMMARY), Priority.INTERACTIVE)
                .block();
        Job queued = service.enrich("default", "long", EnumSet.of(StageName.SUMMARY), Priority.INTERACTIVE)
                .block();

        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        List<ServerSentEvent<String>> seen = new CopyOnWriteArrayList<>();
        List<SignalType> endings = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        // The client has event loops of its own, as a browser would: the service's context disposes the process's
        // global Reactor Netty resources when it closes, which would cut a client sharing them.
        LoopResources clientLoops = LoopResources.create("shutdown-test-client", 1, true);
        Disposable stream = new SseClient(port, new ReactorClientHttpConnector(
                        reactor.netty.http.client.HttpClient.create(ConnectionProvider.newConnection())
                                .runOn(clientLoops)))
                .sse("/api/v1/jobs/" + longJob.id() + "/events", null)
                .doFinally(endings::add)
                .subscribe(seen::add, errors::add);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream()
                .anyMatch(e -> "snapshot".equals(e.event())));
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> jobs.findById(longJob.id()).block().state() == JobState.RUNNING);

        List<String> shutdownLog;
        try (ShutdownLog log = new ShutdownLog()) {
            app.close();
            shutdownLog = log.lines();
        }

        assertThat(jobs.findById(shortOne.id()).block().state()).isEqualTo(JobState.COMPLETED);
        assertThat(jobs.findById(longJob.id()).block().state()).isEqualTo(JobState.INTERRUPTED);
        assertThat(jobs.findById(queued.id()).block().state()).isEqualTo(JobState.INTERRUPTED);
        assertThat(stages.active()).isZero();
        // The open SSE stream did not hold the shutdown: no lifecycle phase waited out its timeout, and the web
        // server's graceful shutdown found no request left to wait for (it aborts those still active).
        assertThat(shutdownLog).as("shutdown log").noneMatch(line -> line.contains("still running after timeout"))
                .contains("Graceful shutdown complete")
                .noneMatch(line -> line.contains("aborted"));
        // The client saw its stream end cleanly after the interrupted event, not cut off.
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !endings.isEmpty());
        assertThat(endings).as("the stream's end (errors: %s; events: %s)", errors, seen)
                .containsExactly(SignalType.ON_COMPLETE);
        assertThat(seen).filteredOn(e -> e.event() != null).last()
                .satisfies(e -> assertThat(e.event()).isEqualTo("interrupted"));
        stream.dispose();
        clientLoops.disposeLater().block(Duration.ofSeconds(10));
    }

    @Test
    void duringTheDrainUploadsAnswer503AndAStageLosingAResourceToTheShutdownEndsInterrupted() throws Exception {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(EnrichApplication.class,
                TestStagesConfiguration.class)
                .run("--server.port=0", "--enrich.pool.drain-timeout=60s",
                        "--enrich.media.dir=${java.io.tmpdir}/enrich-test-media");
        ScriptedStages stages = app.getBean(ScriptedStages.class);
        JobRepository jobs = app.getBean(JobRepository.class);
        app.getBean(SessionRepository.class).save(new Session("held", "default", "T", SessionText.inline("Notes."), null, List.of(),
                Instant.now())).block();
        // SUMMARY succeeds at once; CANVAS runs until the drain has begun, then loses a resource to the shutdown.
        Sinks.Empty<Void> release = Sinks.empty();
        stages.script(StageName.CANVAS, ctx -> ScriptedStages.forever(StageName.CANVAS, Duration.ofMillis(20))
                .takeUntilOther(release.asMono())
                .concatWith(Mono.error(new IllegalStateException("Shutdown in progress"))));
        Job job = app.getBean(EnrichmentService.class).enrich("default", "held",
                EnumSet.of(StageName.SUMMARY, StageName.CANVAS), Priority.INTERACTIVE).block();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jobs.findById(job.id()).block().stages()
                .get(StageName.CANVAS).state() == StageState.RUNNING);

        WorkerPool pool = app.getBean(WorkerPool.class);
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        Thread closing = new Thread(app::close, "test-close");
        closing.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !pool.accepting());

        ResponseEntity<String> upload = WebClient.create("http://127.0.0.1:" + port).post()
                .uri("/api/v1/sessions")
                .header(HttpHeaders.AUTHORIZATION, TestAuthAutoConfiguration.BEARER)
                .bodyValue(Fixtures.session("Late", "Uploaded during the drain.", Fixtures.wav(1, 8000)))
                .exchangeToMono(response -> response.toEntity(String.class))
                .block(Duration.ofSeconds(10));
        release.tryEmitEmpty();
        closing.join();

        assertThat(upload.getStatusCode().value()).isEqualTo(503);
        assertThat(upload.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(upload.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(upload.getBody()).contains("\"status\":503")
                .contains("Enrich is restarting. Please try again in a moment.");
        Job ended = jobs.findById(job.id()).block();
        assertThat(ended.state()).isEqualTo(JobState.INTERRUPTED);
        assertThat(ended.stages().get(StageName.SUMMARY).state()).isEqualTo(StageState.SUCCEEDED);
        assertThat(ended.stages().get(StageName.CANVAS).state()).isNotEqualTo(StageState.FAILED);
    }

    @Test
    void videoStageRunningWhenTheJvmShutsDownFinishesItsJob(@TempDir Path dir) throws Exception {
        // A real JVM shutdown (System.exit, Spring's shutdown hook, the drain) only happens in a JVM of its own.
        Path output = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), VideoDuringShutdown.class.getName(),
                dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("the child JVM exits").isTrue();
        } finally {
            child.destroyForcibly();
        }
        String log = Files.readString(output);

        assertThat(log).as(log).contains("video stage running; exiting", "draining: no new jobs")
                .doesNotContain("Shutdown in progress", "stage failed")
                .containsPattern(VideoDuringShutdown.REPORT + "\\S+ state=COMPLETED video=SUCCEEDED thumbnails=[1-9]");
    }

    /**
     * SIGTERM to a real replica (memory backend) in the middle of jobs, as an orchestrator stops a pod: readiness turns
     * 503 first and uploads are refused with Retry-After while the running jobs finish (their AI call is answered
     * during the drain); the queued job ends interrupted; every open stream gets its last events, then a
     * {@code retry:} hint, then its end; the JVM exits with 143 within the drain timeout plus one shutdown phase.
     */
    @Test
    void sigtermToARealProcessDrainsJobsAndSendsEveryStreamARetryHint(@TempDir Path dir) throws Exception {
        Duration drain = Duration.ofSeconds(20);
        Duration phase = Duration.ofSeconds(45); // spring.lifecycle.timeout-per-shutdown-phase in application.yml
        try (FakeOpenAiServer ai = FakeOpenAiServer.start()) {
            ai.hold("/chat/completions");
            EnrichProcess replica = EnrichProcess.start("drain", dir, Map.of(
                    "enrich.pool.concurrency", "2",
                    "enrich.pool.drain-timeout", drain.toSeconds() + "s",
                    "enrich.ai.base-url", ai.baseUrl(),
                    "enrich.ai.api-key", "sk-test-drain",
                    "enrich.ai.response-timeout", "5m", // a held answer is not a slow provider
                    "enrich.media.dir", dir.resolve("media").toString()));
            try {
                SseClient client = new SseClient(replica.port());
                // Two slots: the first two jobs sit in their summary call, the third waits in the queue.
                List<String> jobs = List.of(submit(replica), submit(replica), submit(replica));
                Awaitility.await("two jobs in their summary call").atMost(Duration.ofMinutes(1))
                        .until(() -> ai.count("/chat/completions") == 2);
                Frames running = Frames.follow(client.raw("/api/v1/jobs/" + jobs.get(0) + "/events"));
                Frames queued = Frames.follow(client.raw("/api/v1/jobs/" + jobs.get(2) + "/events"));
                Frames user = Frames.follow(client.raw("/api/v1/events"));
                for (Frames stream : List.of(running, queued, user)) {
                    Awaitility.await("stream open").atMost(Duration.ofSeconds(10))
                            .until(() -> stream.has("event:snapshot"));
                }

                long signalled = System.nanoTime();
                replica.sigterm();
                Awaitility.await("readiness 503 while draining").atMost(drain).pollInterval(Duration.ofMillis(50))
                        .failFast("the replica exited before readiness was seen DOWN", () -> !replica.alive())
                        .until(() -> status(replica, "/actuator/health/readiness") == 503);
                HttpResponse<String> upload = upload(replica);
                ai.release();
                int exit = replica.awaitExit();
                Duration took = Duration.ofNanos(System.nanoTime() - signalled);

                // 143 = 128 + SIGTERM: the JVM exits as signalled once its shutdown hook (Spring's close) returned.
                assertThat(exit).as("exit code; log:%n%s", replica.log()).isEqualTo(143);
                // The bound the service promises: the drain, then at most one more shutdown phase (web server).
                assertThat(took).as("SIGTERM to exit").isLessThan(drain.plus(phase));
                assertThat(upload.statusCode()).isEqualTo(503);
                assertThat(upload.headers().firstValue("Retry-After")).hasValue("5");
                assertThat(replica.log()).contains("draining: no new jobs", "drained")
                        .doesNotContain("still running after timeout");
                assertThat(running.awaitEnd().lastEvent()).isEqualTo("event:completed");
                assertThat(queued.awaitEnd().lastEvent()).isEqualTo("event:interrupted");
                // The user stream saw both ends of the running jobs, then the queued job's, which the drain ended last.
                assertThat(user.awaitEnd().lastEvent()).isEqualTo("event:interrupted");
                for (Frames stream : List.of(running, queued, user)) {
                    // The last frame: come back in 5 s (enrich.pool.retry-after), to whichever replica answers.
                    assertThat(stream.frames()).last().isEqualTo(List.of("retry:5000", ":restarting, reconnect"));
                }
                assertThat(user.frames()).filteredOn(f -> f.contains("event:completed")).hasSize(2);
                assertThat(user.frames()).filteredOn(f -> f.contains("event:interrupted")).hasSize(1);
            } finally {
                replica.close();
            }
        }
    }

    private static String submit(EnrichProcess replica) {
        WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + replica.port())
                .defaultHeader(HttpHeaders.AUTHORIZATION, TestAuthAutoConfiguration.BEARER)
                .responseTimeout(Duration.ofSeconds(30)).build();
        String session = (String) http.post().uri("/api/v1/sessions")
                .bodyValue(Fixtures.session("Drain", "We planned the release. I'll write the notes.",
                        Fixtures.wav(2, 16000)))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id");
        return (String) http.post().uri("/api/v1/sessions/{id}/enrichments", session)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("stages", List.of("summary")))
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody()
                .get("jobId");
    }

    private static int status(EnrichProcess replica, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + replica.port() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    // A small upload during the drain; refused before its body is read.
    private static HttpResponse<String> upload(EnrichProcess replica) throws Exception {
        String boundary = "drain";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"title\":\"Late\"}\r\n--" + boundary + "--\r\n";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + replica.port() + "/api/v1/sessions"))
                .header(HttpHeaders.AUTHORIZATION, TestAuthAutoConfiguration.BEARER)
                .header(HttpHeaders.CONTENT_TYPE, "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The frames of one raw SSE stream as they arrive, read on a thread of its own. */
    private static final class Frames {
        private final List<List<String>> frames = new CopyOnWriteArrayList<>();
        private final CompletableFuture<Void> ended;

        private Frames(SseClient.RawStream raw) {
            this.ended = CompletableFuture.runAsync(() -> {
                try (raw) {
                    while (!raw.ended()) {
                        List<String> frame = raw.frame();
                        if (!frame.isEmpty()) {
                            frames.add(frame);
                        }
                    }
                }
            });
        }

        static Frames follow(SseClient.RawStream raw) {
            assertThat(raw.status()).isEqualTo(200);
            return new Frames(raw);
        }

        boolean has(String line) {
            return frames.stream().anyMatch(f -> f.contains(line));
        }

        Frames awaitEnd() throws Exception {
            ended.get(1, TimeUnit.MINUTES);
            return this;
        }

        List<List<String>> frames() {
            return frames;
        }

        String lastEvent() {
            return frames.stream().flatMap(List::stream).filter(l -> l.startsWith("event:"))
                    .reduce((a, b) -> b).orElse("(none)");
        }
    }

    /** Capture what Spring's lifecycle processor and the web server's graceful shutdown log while open. */
    private static final class ShutdownLog implements AutoCloseable {
        private static final List<String> LOGGERS = List.of(
                "org.springframework.context.support.DefaultLifecycleProcessor",
                "org.springframework.boot.reactor.netty.GracefulShutdown");
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final List<Level> levels = new ArrayList<>();

        ShutdownLog() {
            appender.start();
            for (String name : LOGGERS) {
                Logger logger = (Logger) LoggerFactory.getLogger(name);
                levels.add(logger.getLevel());
                logger.setLevel(Level.INFO);
                logger.addAppender(appender);
            }
        }

        List<String> lines() {
            synchronized (appender) { // the appender adds under its own lock
                return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            }
        }

        @Override
        public void close() {
            for (int i = 0; i < LOGGERS.size(); i++) {
                Logger logger = (Logger) LoggerFactory.getLogger(LOGGERS.get(i));
                logger.detachAppender(appender);
                logger.setLevel(levels.get(i));
            }
        }
    }
}
