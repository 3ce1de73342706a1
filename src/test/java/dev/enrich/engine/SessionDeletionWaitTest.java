package dev.enrich.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.local.LocalDirectoryMediaStore;
import dev.enrich.backend.memory.InMemoryBatchRepository;
import dev.enrich.backend.memory.InMemoryEventLog;
import dev.enrich.backend.memory.InMemoryExpiryIndex;
import dev.enrich.backend.memory.InMemoryJobQueue;
import dev.enrich.backend.memory.InMemoryJobRepository;
import dev.enrich.backend.memory.InMemoryMediaUsage;
import dev.enrich.backend.memory.InMemorySessionRepository;
import dev.enrich.events.EventPublisher;
import dev.enrich.events.JobMoves;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import dev.enrich.pool.JobTask;
import dev.enrich.pool.WorkerPool;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Deleting a session whose job runs here waits for the run to end before its data goes, up to a bound; past the
 * bound the data goes anyway. The job's task here notes the stop and then ends only when the test says so.
 */
class SessionDeletionWaitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path media;

    private final Map<String, Sinks.One<JobState>> release = new ConcurrentHashMap<>();
    private final Set<String> told = ConcurrentHashMap.newKeySet();
    private final JobTask slowToStop = (job, stop) -> Mono.firstWithSignal(
            release.computeIfAbsent(job.jobId(), k -> Sinks.one()).asMono(),
            stop.doOnNext(reason -> told.add(job.jobId())).then(Mono.never()));
    private final SessionRepository sessions = new InMemorySessionRepository(10, 10);
    private final JobRepository jobs = new InMemoryJobRepository(10, 10);
    private final InMemoryEventLog log = new InMemoryEventLog(100, 100, Schedulers.parallel(), Duration.ZERO);
    private final WorkerPool pool = new WorkerPool(1, 3, new InMemoryJobQueue(10, 8), slowToStop, Clock.systemUTC(),
            new SimpleMeterRegistry());

    @AfterEach
    void closePool() {
        release.values().forEach(s -> s.tryEmitValue(JobState.CANCELLED));
        pool.close();
    }

    @Test
    void theDataOfAJobRunningHereGoesOnlyOnceItsRunHasEnded() throws IOException {
        String job = runningJobOfStoredSession();

        CompletableFuture<Void> deleted = deletion(WAIT).delete("t", "s1").toFuture();

        Awaitility.await().atMost(WAIT).until(() -> told.contains(job));
        Awaitility.await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> !deleted.isDone());
        assertThat(jobs.findById(job).blockOptional(WAIT)).as("kept while its run goes on").isPresent();
        assertThat(filesOf(media)).isNotEmpty();

        release.get(job).tryEmitValue(JobState.CANCELLED);

        Awaitility.await().atMost(WAIT).until(deleted::isDone);
        assertThat(deleted).isCompleted();
        assertGone(job);
    }

    @Test
    void pastTheBoundTheDataGoesEvenIfTheRunHasNotEnded() throws IOException {
        String job = runningJobOfStoredSession();

        deletion(Duration.ofMillis(50)).delete("t", "s1").block(WAIT);

        assertThat(told).contains(job);
        assertThat(pool.isRunning(job)).as("still running, told to stop").isTrue();
        assertGone(job);
    }

    private SessionDeletion deletion(Duration stopWait) {
        InMemoryBatchRepository batches = new InMemoryBatchRepository();
        EventPublisher events = new EventPublisher(log, JobMoves.sequential(jobs, log));
        EnrichmentService service = new EnrichmentService(sessions, jobs, batches, pool, events, Clock.systemUTC(),
                Duration.ofSeconds(1), 100);
        return new SessionDeletion(sessions, jobs, batches, new LocalDirectoryMediaStore(media),
                new InMemoryMediaUsage(), new InMemoryExpiryIndex(), events, service, pool, stopWait);
    }

    private String runningJobOfStoredSession() throws IOException {
        sessions.save(new Session("s1", "t", "Standup", null, null, List.of(), Instant.EPOCH)).block(WAIT);
        new LocalDirectoryMediaStore(media).store("t", "s1",
                Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(new byte[] {1, 2, 3})), 100).block(WAIT);
        EnrichmentService service = new EnrichmentService(sessions, jobs, new InMemoryBatchRepository(), pool,
                new EventPublisher(log, JobMoves.sequential(jobs, log)), Clock.systemUTC(), Duration.ofSeconds(1), 100);
        String job = service.enrich("t", "s1", EnumSet.of(StageName.SUMMARY), Priority.INTERACTIVE).block(WAIT).id();
        Awaitility.await().atMost(WAIT).until(() -> pool.isRunning(job));
        assertThat(filesOf(media)).isNotEmpty();
        return job;
    }

    private void assertGone(String job) throws IOException {
        assertThat(jobs.findById(job).blockOptional(WAIT)).isEmpty();
        assertThat(sessions.find("t", "s1").blockOptional(WAIT)).isEmpty();
        assertThat(log.lastSeq(EventPublisher.jobStream(job)).block(WAIT)).isZero();
        assertThat(filesOf(media)).isEmpty();
    }

    private static List<Path> filesOf(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
