package dev.enrich.pipeline;

import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

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
 */
public final class Pipeline {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final StageRegistry registry;
    private final Scheduler scheduler;
    private final MediaStore media;

    public Pipeline(StageRegistry registry, Scheduler scheduler, MediaStore media) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.media = media;
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
        return Flux.defer(() -> {
                    Optional<String> missing = stage.missingInput(context);
                    if (missing.isPresent()) {
                        return Flux.just(new PipelineSignal.Finished(StageResult.skipped(name, missing.get())));
                    }
                    AtomicBoolean done = new AtomicBoolean();
                    Sinks.Many<PipelineSignal> retries = Sinks.many().unicast().onBackpressureBuffer();
                    Flux<PipelineSignal> own = stage.run(context)
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
                    return Mono.just(new PipelineSignal.Finished(StageResult.failed(name, failureMessage(name)), e));
                })
                .subscribeOn(scheduler);
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
