package dev.enrich.pipeline;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.VideoAnalysis;
import dev.enrich.reactive.CancelLatch;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Run the requested stages of a session as a DAG: each stage starts once the requested stages it depends on have
 * finished (whatever their outcome), so {@code audio} and {@code video} run in parallel.
 *
 * <p>Stages run on the given bounded scheduler, never on the caller's thread. A stage that errors, or completes
 * without a result, finishes FAILED; the others go on. A stage that errors because the shutdown took away what it
 * needs (the JVM refusing new shutdown hooks, a disposed scheduler, an interrupted thread) does not fail: the flux
 * ends with a {@link StageInterruptedException}. Cancelling the returned flux cancels every running stage.
 *
 * <p>Each stage runs with {@link RetryNotices} in its Reactor context: a retry announced from inside the stage's flux
 * (by the resilience layer around an AI call) becomes a {@link PipelineSignal.Retrying} among that stage's signals.
 * Its context also holds a {@link CancelLatch} tripped at the end of the stage run (its cancel, its stall or its
 * overrun), which ends the AI calls within it even where an operator of the stage lost that cancel to a racing start.
 *
 * <p>With {@link StageLimits}, each stage run is watched: past its time budget (scaled from its expected duration) or
 * after a stall (no progress signal for the stall timeout) it is cancelled, which interrupts its thread, and it ends
 * FAILED with a friendly message. A stall counts as transient: the stage is run once more before it fails.
 */
public final class Pipeline {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final StageRegistry registry;
    private final Scheduler scheduler;
    private final MediaStore media;
    private final @Nullable StageLimits limits;
    private final BiFunction<StageName, @Nullable Duration, Optional<Duration>> expected;
    private final Scheduler timer;

    /** Create a pipeline whose stages run without time limits. */
    public Pipeline(StageRegistry registry, Scheduler scheduler, MediaStore media) {
        this(registry, scheduler, media, null, (stage, length) -> Optional.empty(), scheduler);
    }

    /**
     * Create a pipeline that watches each stage run against {@code limits}.
     *
     * @param scheduler where stages run; cancelling a stage must interrupt its thread there (Reactor's bounded elastic
     *     and {@code Schedulers.fromExecutorService} schedulers do)
     * @param limits the budget and stall bounds, or null for none
     * @param expected a stage's expected duration given the media length (null when unknown), e.g. the learned
     *     durations' {@code expected}
     * @param timer the clock of the budget and stall timers
     */
    public Pipeline(StageRegistry registry, Scheduler scheduler, MediaStore media, @Nullable StageLimits limits,
            BiFunction<StageName, @Nullable Duration, Optional<Duration>> expected, Scheduler timer) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.media = media;
        this.limits = limits;
        this.expected = expected;
        this.timer = timer;
    }

    /**
     * Run stages and report what happens. Signals arrive serially and in causal order: a stage's
     * {@link PipelineSignal.Started} comes after the {@link PipelineSignal.Finished} of every stage it depends on.
     *
     * @param checkpoint results kept from an earlier run; stages that SUCCEEDED there are not run again
     */
    public Flux<PipelineSignal> run(
            String jobId, Session session, Set<StageName> requested, Map<StageName, StageResult> checkpoint) {
        return Flux.defer(() -> {
            Map<StageName, Sinks.One<StageResult>> done = new EnumMap<>(StageName.class);
            Map<StageName, StageResult> results = new ConcurrentHashMap<>();
            requested.forEach(s -> done.put(s, Sinks.one()));
            List<Flux<PipelineSignal>> stages = new ArrayList<>();
            for (StageName stage : requested) {
                List<Mono<StageResult>> deps = stage.dependencies().stream()
                        .filter(requested::contains)
                        .map(d -> done.get(d).asMono())
                        .toList();
                Flux<PipelineSignal> flux = Mono.when(deps).thenMany(Flux.defer(() -> {
                    StageResult kept = checkpoint.get(stage);
                    // Only clean results are reused: a retry reruns what failed or degraded.
                    if (kept != null && kept.state() == StageState.SUCCEEDED) {
                        return Flux.just(new PipelineSignal.Finished(kept));
                    }
                    return execute(stage, new StageContext(jobId, session, results, media));
                }));
                stages.add(flux);
            }
            // Release dependants after the merge, so their signals queue behind this Finished.
            return Flux.merge(stages).doOnNext(signal -> {
                if (signal instanceof PipelineSignal.Finished f) {
                    results.put(f.stage(), f.result());
                    done.get(f.stage()).tryEmitValue(f.result());
                }
            });
        });
    }

    private Flux<PipelineSignal> execute(StageName name, StageContext context) {
        Stage stage = registry.get(name);
        // Tripped at the stage's end (its cancel, once that went up), above every operator of its own that could lose
        // that cancel to a racing start (CancelLatch): the stage's runs and the AI calls within them end.
        return Flux.defer(() -> {
            CancelLatch latch = new CancelLatch();
            return executeLatched(name, stage, context, latch)
                    .doFinally(signal -> latch.cancel());
        });
    }

    private Flux<PipelineSignal> executeLatched(StageName name, Stage stage, StageContext context,
            CancelLatch latch) {
        return Flux.defer(() -> {
                    Optional<String> missing = stage.missingInput(context);
                    if (missing.isPresent()) {
                        return Flux.just(new PipelineSignal.Finished(StageResult.skipped(name, missing.get())));
                    }
                    AtomicBoolean done = new AtomicBoolean();
                    Sinks.Many<PipelineSignal> retries = Sinks.many().unicast().onBackpressureBuffer();
                    Flux<PipelineSignal> own = watched(name, stage, context, latch)
                            .contextWrite(RetryNotices.in((dependency, attempt, maxAttempts, delay) -> emit(retries,
                                    new PipelineSignal.Retrying(name, attempt, maxAttempts, delay))))
                            .takeUntil(u -> u instanceof StageUpdate.Done)
                            .map(u -> toSignal(name, u))
                            .doOnNext(s -> done.compareAndSet(false, s instanceof PipelineSignal.Finished))
                            .concatWith(Mono.defer(() -> done.get() ? Mono.empty() : Mono.error(
                                    new IllegalStateException("stage " + name.id() + " ended without a result"))))
                            .doFinally(signal -> complete(retries));
                    // Retry notices first: one still waiting in the merge goes out before the stage's later signals
                    // (its Finished among them), so a notice never trails the stage it is about.
                    return Flux.merge(retries.asFlux(), own)
                            .startWith(new PipelineSignal.Started(name));
                })
                .onErrorResume(e -> {
                    if (takenByShutdown(e)) {
                        log.info("stage interrupted by the shutdown job={} stage={} error={}", context.jobId(),
                                name.id(), e.toString());
                        return Mono.error(new StageInterruptedException(name, e));
                    }
                    log.warn("stage failed job={} stage={} error={}", context.jobId(), name.id(), e.toString());
                    String message = e instanceof StageOverrunException o ? overrunMessage(name, o.stalled())
                            : failureMessage(name);
                    return Mono.just(new PipelineSignal.Finished(StageResult.failed(name, message), e));
                })
                // Also here, not only around the stage's own run: the signals above (a skip, a failure's result)
                // are then made on the stage scheduler, whatever thread ended the stage.
                .subscribeOn(scheduler);
    }

    /**
     * Run the stage on the stage scheduler, so that cancelling it disposes its worker and interrupts its thread; with
     * limits, a timeout cancels it past the budget or after a stall, and a stalled run is tried once more.
     */
    private Flux<StageUpdate> watched(StageName name, Stage stage, StageContext context, CancelLatch latch) {
        // Each run has its own latch within the stage's, tripped at the run's end (below the timeout that ends a
        // stalled or overrunning run) and found by the run's AI calls in its context. A run started again (after a
        // stall) just as the stage is cancelled ends at once.
        Flux<StageUpdate> run = Flux.defer(() -> {
            CancelLatch own = latch.child();
            return own.guard(Flux.defer(() -> stage.run(context)))
                    .contextWrite(CancelLatch.in(own))
                    .doFinally(signal -> own.cancel());
        }).subscribeOn(scheduler);
        StageLimits bounds = limits;
        if (bounds == null) {
            return run;
        }
        Duration budget = bounds.budget(expected.apply(name, mediaLength(name, context)));
        Flux<StageUpdate> attempt = Flux.defer(() -> {
            long deadline = timer.now(TimeUnit.MILLISECONDS) + budget.toMillis();
            return run.timeout(watch(bounds, deadline), u -> watch(bounds, deadline), Flux.defer(() -> {
                boolean stalled = timer.now(TimeUnit.MILLISECONDS) < deadline;
                return Flux.error(new StageOverrunException(name, stalled, stalled ? bounds.stallTimeout() : budget));
            }));
        });
        return attempt.retryWhen(Retry.max(1)
                .filter(e -> e instanceof StageOverrunException o && o.stalled())
                .doBeforeRetry(r -> log.warn("stage stalled, trying once more job={} stage={}", context.jobId(),
                        name.id()))
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    /** Return a timer firing at the earlier of the stall timeout from now and the deadline. */
    private Mono<Long> watch(StageLimits bounds, long deadline) {
        long left = Math.max(0, deadline - timer.now(TimeUnit.MILLISECONDS));
        return Mono.delay(Duration.ofMillis(Math.min(left, bounds.stallTimeout().toMillis())), timer);
    }

    /** Return the length of the media the stage works on, from the session or else as an upstream stage measured it. */
    private static @Nullable Duration mediaLength(StageName name, StageContext context) {
        Duration known = MediaLengths.of(context.session()).get(name);
        if (known != null) {
            return known;
        }
        Optional<Double> seconds = context.useful(AudioAnalysis.class).map(AudioAnalysis::durationSeconds)
                .or(() -> context.useful(VideoAnalysis.class).map(VideoAnalysis::durationSeconds));
        return seconds.filter(s -> s > 0).map(s -> Duration.ofMillis(Math.round(s * 1000))).orElse(null);
    }

    // A stage's calls retry one after the other, but nothing forbids two at once: emissions are serialized here.
    private static void emit(Sinks.Many<PipelineSignal> retries, PipelineSignal.Retrying notice) {
        synchronized (retries) {
            retries.tryEmitNext(notice);
        }
    }

    private static void complete(Sinks.Many<PipelineSignal> retries) {
        synchronized (retries) {
            retries.tryEmitComplete();
        }
    }

    /**
     * Return true when {@code error} comes from the shutdown taking away what a stage needs rather than from the
     * stage's input: the JVM refusing a shutdown hook ("Shutdown in progress"), the stage scheduler disposed, or the
     * stage's thread interrupted (only cancellation and shutdown interrupt stage threads).
     */
    boolean takenByShutdown(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IllegalStateException && "Shutdown in progress".equals(t.getMessage())
                    || t instanceof RejectedExecutionException && scheduler.isDisposed()
                    || t instanceof InterruptedException || t instanceof ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    private static PipelineSignal toSignal(StageName name, StageUpdate update) {
        if (update instanceof StageUpdate.Done d) {
            if (d.result().stage() != name) {
                throw new IllegalStateException("stage " + name.id() + " returned a result for " + d.result().stage());
            }
            return new PipelineSignal.Finished(d.result());
        }
        StageUpdate.Progress p = (StageUpdate.Progress) update;
        double fraction = Double.isNaN(p.fraction()) ? 0 : Math.max(0, Math.min(1, p.fraction()));
        return new PipelineSignal.Progressed(name, fraction, p.message());
    }

    /** Return the friendly text shown when a stage was stopped for taking too long or for going silent. */
    static String overrunMessage(StageName name, boolean stalled) {
        String failed = failureMessage(name);
        String why = stalled ? ": it stopped responding." : ": it took too long.";
        return failed.substring(0, failed.length() - 1) + why;
    }

    /** Return the friendly text shown when a stage fails. */
    static String failureMessage(StageName name) {
        return switch (name) {
            case AUDIO -> "Couldn't analyze the audio.";
            case VIDEO -> "Couldn't analyze the video.";
            case SUMMARY -> "Couldn't write a summary.";
            case CANVAS -> "Couldn't draw the canvas.";
        };
    }
}
