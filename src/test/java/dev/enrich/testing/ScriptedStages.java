package dev.enrich.testing;

import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageRegistry;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.stage.audio.AudioStage;
import dev.enrich.stage.canvas.CanvasStage;
import dev.enrich.stage.summary.SummaryStage;
import dev.enrich.stage.video.VideoStage;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Drive the engine with scripted stages. Each stage's behaviour is a function tests set per stage name; the default
 * succeeds after a few quick progress ticks. Whether a stage is SKIPPED still follows the real stages'
 * {@code missingInput}, so DAG tests see real skip rules. Counts running stages so tests can prove that cancelled
 * work really stopped.
 */
public final class ScriptedStages {

    private final Map<StageName, Function<StageContext, Flux<StageUpdate>>> scripts = new ConcurrentHashMap<>();
    private final Map<StageName, Stage> real = new EnumMap<>(StageName.class);
    private final AtomicInteger active = new AtomicInteger();
    private final Map<StageName, AtomicInteger> started = new ConcurrentHashMap<>();

    public ScriptedStages() {
        real.put(StageName.AUDIO, new AudioStage());
        real.put(StageName.VIDEO, new VideoStage());
        real.put(StageName.SUMMARY, new SummaryStage());
        real.put(StageName.CANVAS, new CanvasStage());
        reset();
    }

    /** Return a registry whose stages follow the scripts. */
    public StageRegistry registry() {
        Map<StageName, Stage> stages = new EnumMap<>(StageName.class);
        for (StageName name : StageName.values()) {
            stages.put(name, new Stage() {
                @Override
                public Flux<StageUpdate> run(StageContext context) {
                    started.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                    return Flux.defer(() -> scripts.get(name).apply(context))
                            .doOnSubscribe(s -> active.incrementAndGet())
                            .doFinally(s -> active.decrementAndGet());
                }

                @Override
                public Optional<String> missingInput(StageContext context) {
                    return real.get(name).missingInput(context);
                }
            });
        }
        return new StageRegistry(stages);
    }

    /** Set what a stage does. */
    public void script(StageName stage, Function<StageContext, Flux<StageUpdate>> script) {
        scripts.put(stage, script);
    }

    /** Make every stage succeed quickly again and clear counters. */
    public void reset() {
        for (StageName name : StageName.values()) {
            scripts.put(name, ctx -> ticks(name, 3, Duration.ofMillis(5)));
        }
        started.clear();
    }

    /** Return how many stage runs are subscribed right now. */
    public int active() {
        return active.get();
    }

    /** Return how many times a stage started since the last reset. */
    public int started(StageName stage) {
        AtomicInteger n = started.get(stage);
        return n == null ? 0 : n.get();
    }

    /** Emit {@code n} progress ticks {@code every} apart, then succeed. */
    public static Flux<StageUpdate> ticks(StageName stage, int n, Duration every) {
        return Flux.interval(every)
                .take(n)
                .map(i -> StageUpdate.progress((i + 1) / (double) (n + 1), stage.activity()))
                .concatWith(Flux.just(StageUpdate.done(StageResult.succeeded(stage, Outputs.of(stage)))));
    }

    /** Tick every 100 ms (up to 90%) until {@code gate} completes, then succeed. */
    public static Flux<StageUpdate> untilGate(StageName stage, Mono<Void> gate) {
        return Flux.interval(Duration.ofMillis(100))
                .map(i -> StageUpdate.progress(Math.min(0.9, (i + 1) / 20.0), stage.activity()))
                .takeUntilOther(gate.then(Mono.just(1)))
                .concatWith(Mono.just(StageUpdate.done(StageResult.succeeded(stage, Outputs.of(stage)))));
    }

    /** Tick forever (until cancelled); ticks a busy runner has no room for are dropped, not an overflow error. */
    public static Flux<StageUpdate> forever(StageName stage, Duration every) {
        return Flux.interval(every).onBackpressureDrop().map(i -> StageUpdate.progress(Math.min(0.99, i / 1000.0), stage.activity()));
    }
}
