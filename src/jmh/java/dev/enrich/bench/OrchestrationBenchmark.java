package dev.enrich.bench;

import dev.enrich.EnrichApplication;
import dev.enrich.engine.EnrichmentService;
import dev.enrich.events.EventPublisher;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageRegistry;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.pool.WorkerPool;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.SessionText;
import dev.enrich.testing.Outputs;
import java.nio.file.Files;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Measure what the engine costs per job around four stages that do nothing, against a bare Reactor chain of four
 * no-op Monos (issue 19, row 1). Run by {@code bench/orchestration.sh}.
 *
 * <p>One job, in {@link #engine}: {@link EnrichmentService#enrich} (session lookup, quota checks, the job saved in the
 * in-memory job repository, queued in the in-memory fair queue, off the caller's thread as the API does), dispatch to
 * a worker slot (slot tracking, acquisition metrics, the slot's own thread), the job runner (state transitions stored
 * in the repository, progress and ETA, checkpoints of the four results, two log lines) and the pipeline's DAG (audio
 * and video in parallel, then summary, then canvas; each stage on the stage scheduler, watched by its time budget
 * and stall timers), with every event on: ten per job (running, four stages started, four finished, completed), each
 * appended to the job's and the tenant's streams of the in-memory event log and handed to the in-process listeners
 * (job metrics, batch progress, and this benchmark's own count of terminal events). It ends when the job's terminal
 * event is published. This is the whole service as {@code EnrichApplication} wires it (memory backend, web server on
 * a free port, logging to a file), with a stage registry of four no-op stages. No HTTP and no SSE subscriber.
 *
 * <p>Each invocation submits {@link #JOBS} jobs from 16 concurrent submitters and waits until all ended; the score is
 * the wall time per job. The baselines run the same number of jobs through {@code Flux.flatMap}: {@link #bareChain}
 * with four no-op Monos chained by {@code flatMap} (the goal's baseline), {@link #bareChainOnScheduler} with each of
 * them moved onto a bounded elastic scheduler, as the engine moves every stage off the caller's thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class OrchestrationBenchmark {

    /** Jobs per invocation: under the default per-tenant queue limit (500). */
    static final int JOBS = 200;

    private static final Set<StageName> ALL = EnumSet.allOf(StageName.class);
    private static final int SUBMITTERS = 16;

    private ConfigurableApplicationContext app;
    private EnrichmentService service;
    private EventPublisher events;
    private int concurrency;
    private Scheduler elastic;
    private final Map<StageName, StageResult> results = new EnumMap<>(StageName.class);

    @Setup(Level.Trial)
    public void start() throws Exception {
        String media = Files.createTempDirectory("enrich-bench-media").toString();
        app = new SpringApplicationBuilder(EnrichApplication.class, NoOpStages.class)
                .run("--server.port=0", "--enrich.media.dir=" + media,
                        "--logging.file.name=target/bench-orchestration.log", "--logging.threshold.console=OFF",
                        "--enrich.security.dev-key.enabled=false");
        service = app.getBean(EnrichmentService.class);
        events = app.getBean(EventPublisher.class);
        concurrency = app.getBean(WorkerPool.class).size();
        app.getBean(SessionRepository.class).save(new Session("bench", "bench", "Bench",
                SessionText.inline("Notes."), null, List.of(), Instant.now())).block();
        elastic = Schedulers.newBoundedElastic(Runtime.getRuntime().availableProcessors(), 100_000, "bench-elastic");
        for (StageName stage : ALL) {
            results.put(stage, StageResult.succeeded(stage, Outputs.of(stage)));
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        elastic.dispose();
        app.close();
    }

    @Benchmark
    @OperationsPerInvocation(JOBS)
    // Longer: the whole service's code is still being compiled after 10 s (5 warm-up iterations went 1,534 -> 377
    // us/op, then the measured ones 246 -> 197).
    @Warmup(iterations = 15, time = 2)
    public long engine(ProcessCpu cpu) throws Exception {
        cpu.begin();
        CompletableFuture<Long> ended = events.published().filter(e -> e.type().isTerminal()).take(JOBS).count()
                .toFuture();
        Flux.range(0, JOBS)
                .flatMap(i -> service.enrich("bench", "bench", ALL, Priority.INTERACTIVE), SUBMITTERS)
                .blockLast();
        long n = ended.get(60, TimeUnit.SECONDS);
        cpu.end(JOBS);
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(JOBS)
    public long bareChain(ProcessCpu cpu) {
        cpu.begin();
        return cpu.end(JOBS, Flux.range(0, JOBS)
                .flatMap(i -> noop(StageName.AUDIO)
                        .flatMap(r -> noop(StageName.VIDEO))
                        .flatMap(r -> noop(StageName.SUMMARY))
                        .flatMap(r -> noop(StageName.CANVAS)), concurrency)
                .count()
                .block());
    }

    @Benchmark
    @OperationsPerInvocation(JOBS)
    public long bareChainOnScheduler(ProcessCpu cpu) {
        cpu.begin();
        return cpu.end(JOBS, Flux.range(0, JOBS)
                .flatMap(i -> noop(StageName.AUDIO).subscribeOn(elastic)
                        .flatMap(r -> noop(StageName.VIDEO).subscribeOn(elastic))
                        .flatMap(r -> noop(StageName.SUMMARY).subscribeOn(elastic))
                        .flatMap(r -> noop(StageName.CANVAS).subscribeOn(elastic)), concurrency)
                .count()
                .block());
    }

    private Mono<StageResult> noop(StageName stage) {
        return Mono.fromSupplier(() -> results.get(stage));
    }

    /**
     * Replace the service's stages with four that succeed at once, each with a small result of its type. A source of
     * the application builder only, not a @Configuration: component scanning of dev.enrich would otherwise find it in
     * every app started from test-classes after a bench build (NoOpStagesApp then failed on a second registry).
     */
    static class NoOpStages {

        @Bean
        @Primary
        StageRegistry noOpStageRegistry() {
            Map<StageName, Stage> stages = new EnumMap<>(StageName.class);
            for (StageName name : StageName.values()) {
                StageUpdate done = StageUpdate.done(StageResult.succeeded(name, Outputs.of(name)));
                stages.put(name, context -> Flux.just(done));
            }
            return new StageRegistry(stages);
        }
    }
}
