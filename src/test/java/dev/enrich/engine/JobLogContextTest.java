package dev.enrich.engine;

import static dev.enrich.testing.SseClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.enrich.pipeline.StageName;
import io.micrometer.context.ContextRegistry;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import dev.enrich.testing.SseClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Every line logged inside a job's Reactor chain carries the job's ids in the MDC ({@code jobId}, {@code sessionId},
 * {@code tenant}), whichever thread it is logged on: the engine's own lines and a stage's, on a timer thread and on a
 * bounded-elastic worker; a line logged on the same kind of thread outside any job carries none.
 */
@ServiceTest
class JobLogContextTest {

    private static final Logger STAGE_LOG = (Logger) LoggerFactory.getLogger("dev.enrich.test.ScriptedStage");

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedStages stages;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        stages.reset();
        lines.start();
        STAGE_LOG.addAppender(lines);
        ((Logger) LoggerFactory.getLogger(JobRunner.class)).addAppender(lines);
    }

    @AfterEach
    void release() {
        STAGE_LOG.detachAppender(lines);
        ((Logger) LoggerFactory.getLogger(JobRunner.class)).detachAppender(lines);
    }

    @Test
    void linesLoggedInsideAJobCarryItsIdsOnEveryThread() {
        stages.script(StageName.AUDIO, ctx -> Flux.range(0, 2).delayElements(Duration.ofMillis(5))
                .doOnNext(i -> STAGE_LOG.info("tick {}", i))
                .concatMap(i -> Mono.fromCallable(() -> {
                    STAGE_LOG.info("blocking work {}", i);
                    return StageUpdate.progress(0.5, "Working...");
                }).subscribeOn(Schedulers.boundedElastic())));
        SseClient client = new SseClient(port, http);
        String session = client.session();
        String job = (String) http.post().uri("/api/v1/sessions/{id}/enrichments", session)
                .bodyValue(Map.of("stages", java.util.List.of("audio"))).exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("jobId");
        await().atMost(TIMEOUT).until(() -> client.jobState(job), s -> !"queued".equals(s) && !"running".equals(s));
        Mono.fromRunnable(() -> STAGE_LOG.info("outside any job")).subscribeOn(Schedulers.boundedElastic()).block();

        Map<String, String> ids = Map.of("jobId", job, "sessionId", session, "tenant", "default");
        List<ILoggingEvent> events;
        synchronized (lines) { // the appender adds under its own lock
            events = List.copyOf(lines.list);
        }
        assertThat(events).filteredOn(e -> e.getFormattedMessage().startsWith("tick"))
                .hasSize(2).allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsAllEntriesOf(ids));
        assertThat(events).filteredOn(e -> e.getFormattedMessage().startsWith("blocking work"))
                .hasSize(2).allSatisfy(e -> {
                    assertThat(e.getThreadName()).startsWith("boundedElastic");
                    assertThat(e.getMDCPropertyMap()).containsAllEntriesOf(ids);
                });
        assertThat(events).filteredOn(e -> e.getFormattedMessage().startsWith("job started job=" + job))
                .singleElement().satisfies(e -> assertThat(e.getMDCPropertyMap()).containsAllEntriesOf(ids));
        assertThat(events).filteredOn(e -> e.getFormattedMessage().startsWith("job finished job=" + job))
                .singleElement().satisfies(e -> assertThat(e.getMDCPropertyMap()).containsAllEntriesOf(ids));
        assertThat(events).filteredOn(e -> e.getFormattedMessage().equals("outside any job"))
                .singleElement().satisfies(e -> assertThat(e.getMDCPropertyMap()).doesNotContainKeys(
                        "jobId", "sessionId", "tenant"));
        assertThat(MDC.get("jobId")).isNull();
    }

    @Test
    void theAccessorPutsRestoresAndClearsTheIdsAndFindsNoneOnAThreadOfNoJob() {
        JobLogContext accessor = new JobLogContext();
        MDC.remove("jobId");
        MDC.put("requestId", "r1"); // another key of the MDC is left alone
        try {
            assertThat(accessor.getValue()).isNull();

            accessor.setValue(new JobLogContext.Ids("j1", "s1", "t1"));
            assertThat(MDC.getCopyOfContextMap()).containsEntry("jobId", "j1").containsEntry("sessionId", "s1")
                    .containsEntry("tenant", "t1");
            JobLogContext.Ids previous = accessor.getValue();
            assertThat(previous).isEqualTo(new JobLogContext.Ids("j1", "s1", "t1"));

            accessor.setValue(new JobLogContext.Ids("j2", "s2", "t2"));
            assertThat(MDC.get("jobId")).isEqualTo("j2");
            accessor.restore(previous);
            assertThat(MDC.getCopyOfContextMap()).containsEntry("jobId", "j1").containsEntry("tenant", "t1");

            accessor.restore();
            assertThat(MDC.getCopyOfContextMap()).doesNotContainKeys("jobId", "sessionId", "tenant")
                    .containsEntry("requestId", "r1");

            MDC.put("tenant", "t0"); // one of the keys alone: put back as it was
            JobLogContext.Ids partial = accessor.getValue();
            accessor.setValue(new JobLogContext.Ids("j3", "s3", "t3"));
            accessor.restore(partial);
            assertThat(MDC.getCopyOfContextMap()).containsEntry("tenant", "t0").doesNotContainKeys("jobId",
                    "sessionId");
        } finally {
            MDC.clear();
        }
    }

    @Test
    void onlyTheMdcIsRestoredAroundOperators() {
        assertThat(ContextRegistry.getInstance().getThreadLocalAccessors())
                .singleElement().isInstanceOf(JobLogContext.class);
    }

    @Test
    void everyOtherAccessorOnTheClassPathIsRemoved() {
        ContextRegistry registry = new ContextRegistry().loadThreadLocalAccessors();
        assertThat(registry.getThreadLocalAccessors()).hasSizeGreaterThan(1);

        assertThat(ContextPropagationConfiguration.keepOnlyJobLogContext(registry))
                .contains("micrometer.observation");
        assertThat(registry.getThreadLocalAccessors()).singleElement().isInstanceOf(JobLogContext.class);
    }
}
