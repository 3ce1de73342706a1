package dev.enrich.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Every SDK call against every error answer the service gives it: 401, 404, 409, 413, 422, 429 and 503 arrive as the
 * typed exception of the status, with the problem's title and friendly detail and, for 429 and 503, Retry-After.
 * Idempotent calls are retried after 429/503 with the same Idempotency-Key; others are sent once.
 *
 * <p>One worker and a queue of one: a held job runs, another waits, and the queue is full. The test tenant may have
 * one job waiting (so it gets 429); a second tenant, globex, is under its quota but meets the full queue (503).
 */
@ServiceTest
@TestPropertySource(properties = {"enrich.pool.concurrency=1", "enrich.pool.queue-capacity=1",
        "enrich.pool.retry-after=1s", "enrich.limits.max-queued-jobs=1", "enrich.limits.streams-per-user=2",
        "enrich.media.max-part-size=64KB",
        "enrich.security.api-keys[0].sha256=996662459a2f471c4aebd38448659549488379530a551f1d7c9da79fa9b17cb7",
        "enrich.security.api-keys[0].tenant=globex", "enrich.security.api-keys[0].roles=USER"})
@Timeout(120)
class ClientErrorsTest {

    private static final String GLOBEX = "globex-sdk-key-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String UNKNOWN = "no-such-id";

    @LocalServerPort
    int port;

    @Autowired
    ScriptedStages stages;

    @TempDir
    Path dir;

    private EnrichClient client;
    private final List<String> jobs = new ArrayList<>();
    private final List<Disposable> streams = new ArrayList<>();

    @BeforeEach
    void start() {
        stages.reset();
        // Sessions called "Hold..." run until cancelled.
        stages.script(StageName.SUMMARY, ctx -> ctx.session().title().startsWith("Hold")
                ? ScriptedStages.forever(StageName.SUMMARY, Duration.ofMillis(50))
                : ScriptedStages.ticks(StageName.SUMMARY, 2, Duration.ofMillis(5)));
        client = Clients.on(port).callRetries(RetryPolicy.none()).streamRetries(RetryPolicy.none()).build();
    }

    @AfterEach
    void stop() {
        streams.forEach(Disposable::dispose);
        EnrichClient admin = Clients.client(port);
        jobs.forEach(job -> admin.cancel(job).onErrorResume(e -> Mono.empty()).block(WAIT));
        await().atMost(WAIT).until(() -> stages.active() == 0);
        stages.reset();
    }

    @Test
    void everyCallAnswers401WithoutValidCredentials() {
        EnrichClient stranger = Clients.on(port).apiKey("not-a-key").callRetries(RetryPolicy.none()).build();
        calls(stranger, "id").forEach((name, call) -> StepVerifier.create(call)
                .expectErrorSatisfies(e -> assertProblem(name, e, UnauthorizedException.class, 401)).verify(WAIT));
    }

    @Test
    void unknownIdsAnswer404() {
        Map<String, Publisher<?>> calls = calls(client, UNKNOWN);
        calls.remove("createSession");
        calls.remove("userEvents");
                calls.forEach((name, call) -> StepVerifier.create(call)
                .expectErrorSatisfies(e -> assertProblem(name, e, NotFoundException.class, 404)).verify(WAIT));
    }

    @Test
    void callsThatDoNotFitTheJobsStateAnswer409() {
        String done = enrich(client, "Done");
        client.awaitResult(done).block(WAIT);
        String running = enrich(client, "Hold on");
        await().atMost(WAIT).until(() -> client.job(running).block(WAIT).state() == JobState.RUNNING);

        Map<String, Publisher<?>> calls = new LinkedHashMap<>();
        calls.put("cancel a completed job", client.cancel(done));
        calls.put("retry a completed job", client.retry(done));
        calls.put("retry a running job", client.retry(running));
        calls.forEach((name, call) -> StepVerifier.create(call)
                .expectErrorSatisfies(e -> assertProblem(name, e, ConflictException.class, 409)).verify(WAIT));
    }

    @Test
    void anUploadOverTheSizeLimitAnswers413AndIsSentOnce() throws Exception {
        Attempts attempts = new Attempts();
        EnrichClient recorded = Clients.on(port).webClient(b -> b.filter(attempts.filter())).build();
        Path big = Files.write(dir.resolve("big.wav"), Fixtures.wavOfSize(200 * 1024));

        StepVerifier.create(recorded.createSession(NewSession.builder("Big").audio(big).build()))
                .expectErrorSatisfies(e -> assertProblem("createSession", e, ContentTooLargeException.class, 413))
                .verify(WAIT);
        assertThat(attempts.all()).extracting(Attempts.Attempt::status).containsExactly(413);
    }

    @Test
    void anEmptyFileAnswers422() throws Exception {
        Path empty = Files.write(dir.resolve("empty.wav"), new byte[0]);
        StepVerifier.create(client.createSession(NewSession.builder("Empty").audio(empty).build()))
                .expectErrorSatisfies(e -> assertProblem("createSession", e, UnprocessableException.class, 422))
                .verify(WAIT);
    }

    @Test
    void overTheQueueQuotaAnswers429WithRetryAfter() {
        fillPoolAndQueue();
        String session = upload(client, "Third");
        Map<String, Publisher<?>> calls = new LinkedHashMap<>();
        calls.put("enrich", client.enrich(session));
        calls.put("batch", client.batch(List.of(session), Set.of()));
        calls.forEach((name, call) -> StepVerifier.create(call).expectErrorSatisfies(e -> {
            assertProblem(name, e, TooManyRequestsException.class, 429);
            assertThat(((EnrichApiException) e).retryAfter()).contains(Duration.ofSeconds(1));
        }).verify(WAIT));
    }

    @Test
    void tooManyStreamsAnswer429WithRetryAfterAndAStreamIsRetriedUntilOneCloses() {
        String job = enrich(client, "Watched");
        AtomicInteger open = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            streams.add(client.userEvents().filter(JobEvent.UserSnapshot.class::isInstance)
                    .subscribe(snapshot -> open.incrementAndGet()));
        }
        await("two streams open").atMost(WAIT).until(() -> open.get() == 2);

        StepVerifier.create(client.events(job)).expectErrorSatisfies(e -> {
            assertProblem("events", e, TooManyRequestsException.class, 429);
            assertThat(((EnrichApiException) e).retryAfter()).contains(Duration.ofSeconds(1));
        }).verify(WAIT);

        Attempts attempts = new Attempts();
        EnrichClient patient = Clients.on(port).webClient(b -> b.filter(attempts.filter())).build();
        StepVerifier.create(patient.events(job).filter(JobEvent::isTerminal))
                .then(() -> await().atMost(WAIT).until(() -> !attempts.all().isEmpty()))
                .then(() -> streams.remove(0).dispose())
                .expectNextMatches(JobEvent::isTerminal)
                .verifyComplete();
        assertThat(attempts.all()).extracting(Attempts.Attempt::status).startsWith(429).endsWith(200);
    }

    @Test
    void aFullQueueAnswers503WithRetryAfterAndANonIdempotentCallIsSentOnce() {
        EnrichClient globex = Clients.on(port).apiKey(GLOBEX).callRetries(RetryPolicy.none()).build();
        String cancelled = enrich(globex, "Hold me");
        globex.cancel(cancelled).block(WAIT);
        await().atMost(WAIT).until(() -> globex.job(cancelled).block(WAIT).state() == JobState.CANCELLED);
        fillPoolAndQueue();
        String session = upload(globex, "Late");
        Attempts attempts = new Attempts();
        EnrichClient recorded = Clients.on(port).apiKey(GLOBEX).webClient(b -> b.filter(attempts.filter())).build();

        Map<String, Publisher<?>> calls = new LinkedHashMap<>();
        calls.put("enrich", globex.enrich(session));
        calls.put("batch", globex.batch(List.of(session), Set.of()));
        calls.put("retry", recorded.retry(cancelled));
        calls.forEach((name, call) -> StepVerifier.create(call).expectErrorSatisfies(e -> {
            assertProblem(name, e, ServiceUnavailableException.class, 503);
            assertThat(((EnrichApiException) e).retryAfter()).contains(Duration.ofSeconds(1));
        }).verify(WAIT));
        assertThat(attempts.all()).as("retry is not idempotent: sent once").hasSize(1);
    }

    @Test
    void aSubmissionIsRetriedOn503WithTheSameIdempotencyKeyAndMakesOneJob() {
        List<String> held = fillPoolAndQueue();
        EnrichClient globex = Clients.on(port).apiKey(GLOBEX).build();
        String session = upload(globex, "Patient");
        Attempts attempts = new Attempts();
        EnrichClient recorded = Clients.on(port).apiKey(GLOBEX).webClient(b -> b.filter(attempts.filter())).build();

        StepVerifier.create(recorded.enrich(session))
                .then(() -> await().atMost(WAIT).until(() -> !attempts.all().isEmpty()))
                .then(() -> client.cancel(held.get(1)).block(WAIT)) // room in the queue
                .assertNext(job -> jobs.add(job.id()))
                .verifyComplete();

        List<Attempts.Attempt> sent = attempts.all();
        assertThat(sent).extracting(Attempts.Attempt::status).startsWith(503).endsWith(202)
                .filteredOn(status -> status == 202).hasSize(1);
        assertThat(sent).extracting(Attempts.Attempt::idempotencyKey).doesNotContainNull().containsOnly(
                sent.get(0).idempotencyKey());
        assertThat(globex.result(session).block(WAIT).job().id()).isEqualTo(jobs.get(jobs.size() - 1));
    }

    @Test
    void deleteAnswers204Then404() {
        String session = upload(client, "Gone");
        StepVerifier.create(client.delete(session)).verifyComplete();
        StepVerifier.create(client.delete(session))
                .expectErrorSatisfies(e -> assertProblem("delete", e, NotFoundException.class, 404)).verify(WAIT);
        StepVerifier.create(client.result(session))
                .expectErrorSatisfies(e -> assertProblem("result", e, NotFoundException.class, 404)).verify(WAIT);
    }

    /** Hold the one worker with a job of the test tenant and queue another: the queue is full. */
    private List<String> fillPoolAndQueue() {
        String running = enrich(client, "Hold 1");
        await().atMost(WAIT).until(() -> client.job(running).block(WAIT).state() == JobState.RUNNING);
        String queued = enrich(client, "Hold 2");
        return List.of(running, queued);
    }

    /** Return every call of the SDK, with {@code id} for every id. */
    private static Map<String, Publisher<?>> calls(EnrichClient client, String id) {
        Map<String, Publisher<?>> calls = new LinkedHashMap<>();
        calls.put("createSession", client.createSession(NewSession.builder("Nope").build()));
        calls.put("enrich", client.enrich(id));
        calls.put("batch", client.batch(List.of(id), Set.of()));
        calls.put("events", client.events(id));
        calls.put("batchEvents", client.batchEvents(id));
        calls.put("userEvents", client.userEvents());
        calls.put("awaitResult", client.awaitResult(id));
        calls.put("job", client.job(id));
        calls.put("batchStatus", client.batchStatus(id));
        calls.put("result", client.result(id));
        calls.put("cancel", client.cancel(id));
        calls.put("retry", client.retry(id));
        calls.put("delete", client.delete(id));
        return calls;
    }

    private static void assertProblem(String call, Throwable error, Class<? extends EnrichApiException> type,
            int status) {
        assertThat(error).as(call).isInstanceOf(type);
        EnrichApiException api = (EnrichApiException) error;
        assertThat(api.status()).as(call).isEqualTo(status);
        assertThat(api.title()).as(call).isNotBlank();
        assertThat(api.detail()).as(call).isNotBlank().doesNotContain("Exception");
        assertThat(api.getMessage()).as(call).startsWith(status + " ");
    }

    private String upload(EnrichClient as, String title) {
        return as.createSession(NewSession.builder(title).notes("Notes of " + title + ".").build()).block(WAIT).id();
    }

    private String enrich(EnrichClient as, String title) {
        String job = as.enrich(upload(as, title), EnrichOptions.stages(Stage.SUMMARY)).block(WAIT).id();
        jobs.add(job);
        return job;
    }
}
