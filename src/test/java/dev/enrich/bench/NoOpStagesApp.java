package dev.enrich.bench;

import dev.enrich.EnrichApplication;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageRegistry;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.testing.Outputs;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.context.support.GenericApplicationContext;
import reactor.core.publisher.Flux;

/**
 * Start the service with stages that do nothing, for {@code bench/redis-jobs.sh}: every job still goes the full
 * durable way (queue, claim, state moves, one checkpoint and its events per stage), only the stage work is gone. Bench
 * only: it lives in test sources, so no build of the service can start it; arguments are the service's own.
 */
public final class NoOpStagesApp {

    private NoOpStagesApp() {}

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(EnrichApplication.class);
        // Registered here, not as a scanned configuration: test contexts, which scan this package, never see it.
        app.addInitializers((GenericApplicationContext context) -> context.registerBean("noOpStageRegistry",
                StageRegistry.class, NoOpStagesApp::registry, bean -> bean.setPrimary(true)));
        app.run(args);
    }

    /** Return a registry whose stages each succeed at once with a small output, whatever the session holds. */
    static StageRegistry registry() {
        return new StageRegistry(stages());
    }

    /** Return stages that each succeed at once with a small output, by name (a map the caller may change). */
    public static Map<StageName, Stage> stages() {
        Map<StageName, Stage> stages = new EnumMap<>(StageName.class);
        for (StageName name : StageName.values()) {
            StageResult done = StageResult.succeeded(name, Outputs.of(name));
            stages.put(name, context -> Flux.just(StageUpdate.done(done)));
        }
        return stages;
    }
}
