package dev.enrich.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.SessionSummary;
import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The SDK against the whole service on a real port: upload, enrich, follow, read typed results, batch, cancel. */
@ServiceTest
@Timeout(120)
class ClientFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    ScriptedStages stages;

    @TempDir
    Path dir;

    EnrichClient client;

    @BeforeEach
    void reset() {
        stages.reset();
        client = Clients.client(port);
    }

    @Test
    void uploadsFromPathAndFluxThenFollowsTheJobToItsTypedResult() throws Exception {
        Path wav = Files.write(dir.resolve("standup.wav"), Fixtures.wav(1, 8000));
        byte[] png = Fixtures.png(7);
        NewSession upload = NewSession.builder("Standup")
                .notes("We planned the release. I'll write the notes.")
                .audio(wav)
                .frame(MediaFile.of("frame-1.png", Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(png))))
                .build();

        Sinks.Empty<Void> gate = gate(StageName.AUDIO);

        SessionRef session = client.createSession(upload).block(WAIT);
        assertThat(session.title()).isEqualTo("Standup");
        JobRef job = client.enrich(session.id(), EnrichOptions.stages(Stage.AUDIO, Stage.SUMMARY)).block(WAIT);
        assertThat(job.job().sessionId()).isEqualTo(session.id());

        List<JobEvent> events = client.events(job.id())
                .doOnNext(e -> gate.tryEmitEmpty()) // opened: now the job may run
                .collectList().block(WAIT);
        assertThat(events.get(0)).isInstanceOf(JobEvent.JobSnapshot.class);
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(JobEvent.Completed.class,
                done -> assertThat(done.jobId()).isEqualTo(job.id()));
        assertThat(events).extracting(JobEvent::seq).isSorted().doesNotHaveDuplicates();
        assertThat(events).filteredOn(JobEvent.StageChanged.class::isInstance)
                .map(e -> ((JobEvent.StageChanged) e).stage() + " " + ((JobEvent.StageChanged) e).stageState())
                .containsSubsequence("AUDIO SUCCEEDED", "SUMMARY RUNNING", "SUMMARY SUCCEEDED"); // audio started before

        EnrichmentResult result = client.awaitResult(job.id()).block(WAIT);
        assertThat(result.job().state()).isEqualTo(JobState.COMPLETED);
        assertThat(result.audio()).get().isInstanceOf(AudioAnalysis.class);
        assertThat(result.summary()).get().extracting(SessionSummary::title).isNotNull();
        assertThat(result.results().keySet()).containsExactly(Stage.AUDIO, Stage.SUMMARY);
        assertThat(client.job(job.id()).block(WAIT).stages()).extracting(StageStatus::state)
                .containsOnly(StageState.SUCCEEDED);
    }

    @Test
    void aFinishedJobsStreamIsItsSnapshotAndItsEnd() {
        String job = enrichNotes("Retro", Set.of(Stage.SUMMARY));
        client.awaitResult(job).block(WAIT);

        StepVerifier.create(client.events(job))
                .assertNext(e -> assertThat(e).isInstanceOf(JobEvent.JobSnapshot.class))
                .assertNext(e -> assertThat(e).isInstanceOf(JobEvent.Completed.class))
                .verifyComplete();
    }

    @Test
    void aBatchStreamEndsWithTheBatchFinished() {
        Sinks.Empty<Void> gate = gate(StageName.SUMMARY);
        List<String> sessions = List.of(upload("One"), upload("Two"), upload("Three"));
        BatchRef batch = client.batch(sessions, Set.of(Stage.SUMMARY)).block(WAIT);
        assertThat(batch.jobIds()).hasSize(3);

        List<JobEvent> events = client.batchEvents(batch.id())
                .doOnNext(e -> gate.tryEmitEmpty())
                .collectList().block(WAIT);

        assertThat(events.get(0)).isInstanceOf(JobEvent.BatchSnapshot.class);
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(JobEvent.BatchChanged.class,
                e -> assertThat(e.batch().state()).isEqualTo(JobState.COMPLETED));
        assertThat(events).filteredOn(JobEvent.Completed.class::isInstance).hasSize(3);
        BatchStatus status = client.batchStatus(batch.id()).block(WAIT);
        assertThat(status.done()).isEqualTo(3);
        assertThat(status.counts()).containsEntry(JobState.COMPLETED, 3);
    }

    @Test
    void cancelEndsTheStreamWithCancelledAndRetryQueuesTheJobAgain() {
        stages.script(StageName.SUMMARY, ctx -> ScriptedStages.forever(StageName.SUMMARY, Duration.ofMillis(20)));
        String job = enrichNotes("Long", Set.of(Stage.SUMMARY));
        await().atMost(WAIT).until(() -> client.job(job).block(WAIT).state() == JobState.RUNNING);

        StepVerifier.create(client.events(job).filter(e -> !(e instanceof JobEvent.Progress)))
                .assertNext(e -> assertThat(e).isInstanceOf(JobEvent.JobSnapshot.class))
                .then(() -> assertThat(client.cancel(job).block(WAIT).id()).isEqualTo(job))
                .thenConsumeWhile(e -> !e.isTerminal())
                .assertNext(e -> assertThat(e).isInstanceOf(JobEvent.Cancelled.class))
                .verifyComplete();

        stages.reset();
        JobStatus again = client.retry(job).block(WAIT);
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(client.awaitResult(job).block(WAIT).job().state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void theUserStreamStartsWithRecentJobsAndCancellingItClosesTheConnection() {
        String job = enrichNotes("Mine", Set.of(Stage.SUMMARY));
        client.awaitResult(job).block(WAIT);
        try (TcpProxy proxy = TcpProxy.to(port)) {
            EnrichClient viaProxy = Clients.client(proxy.port());
            List<JobEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            Disposable stream = viaProxy.userEvents().subscribe(seen::add);
            await().atMost(WAIT).until(() -> !seen.isEmpty());
            assertThat(seen.get(0)).isInstanceOfSatisfying(JobEvent.UserSnapshot.class,
                    s -> assertThat(s.jobs()).extracting(JobStatus::id).contains(job));
            assertThat(proxy.open()).isEqualTo(1);

            stream.dispose();

            await("the client closed its connection").atMost(WAIT).until(() -> proxy.open() == 0);
        }
    }

    @Test
    void aBearerTokenSupplierIsAskedForEveryRequest() {
        AtomicInteger asked = new AtomicInteger();
        EnrichClient withTokens = Clients.on(port).credentials(Credentials.bearer(() -> Mono.fromSupplier(() -> {
            asked.incrementAndGet();
            return dev.enrich.testing.TestAuthAutoConfiguration.KEY;
        }))).build();
        String job = enrichNotes("Tokens", Set.of(Stage.SUMMARY));

        withTokens.awaitResult(job).block(WAIT);
        withTokens.job(job).block(WAIT);

        assertThat(asked).as("events, job and result for awaitResult, then job").hasValue(4);
    }

    /** Hold {@code stage} (of every job) until the returned gate opens; then it ticks and succeeds. */
    private Sinks.Empty<Void> gate(StageName stage) {
        Sinks.Empty<Void> gate = Sinks.empty();
        stages.script(stage, ctx -> gate.asMono().thenMany(ScriptedStages.ticks(stage, 3, Duration.ofMillis(5))));
        return gate;
    }

    private String upload(String title) {
        return client.createSession(NewSession.builder(title).notes("We talked about " + title + ".").build())
                .block(WAIT).id();
    }

    private String enrichNotes(String title, Set<Stage> stages) {
        return client.enrich(upload(title), new EnrichOptions(stages, Priority.INTERACTIVE)).block(WAIT).id();
    }
}
