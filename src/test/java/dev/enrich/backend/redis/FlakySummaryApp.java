package dev.enrich.backend.redis;

import dev.enrich.EnrichApplication;
import dev.enrich.bench.NoOpStagesApp;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageRegistry;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.testing.Outputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.SpringApplication;
import org.springframework.context.support.GenericApplicationContext;
import reactor.core.publisher.Flux;

/**
 * Start the service (for {@link ReplicasTest}, as a process of its own) with stages that succeed at once, except the
 * summary stage: it fails with a timeout, a transient cause that makes the job wait for an automatic retry, until the
 * file named by the system property {@code enrich.test.healthy} exists (the dependency is back). Registered here, not
 * as a scanned configuration: the test contexts, which scan this package, never see it.
 */
public final class FlakySummaryApp {

    private FlakySummaryApp() {}

    public static void main(String[] args) {
        Path healthy = Path.of(System.getProperty("enrich.test.healthy"));
        SpringApplication app = new SpringApplication(EnrichApplication.class);
        app.addInitializers((GenericApplicationContext context) -> context.registerBean("flakySummaryRegistry",
                StageRegistry.class, () -> registry(healthy), bean -> bean.setPrimary(true)));
        app.run(args);
    }

    private static StageRegistry registry(Path healthy) {
        Map<StageName, Stage> stages = NoOpStagesApp.stages();
        StageResult summary = StageResult.succeeded(StageName.SUMMARY, Outputs.of(StageName.SUMMARY));
        stages.put(StageName.SUMMARY, context -> Flux.defer(() -> Files.exists(healthy)
                ? Flux.just(StageUpdate.done(summary))
                : Flux.error(new TimeoutException("the summary's store timed out"))));
        return new StageRegistry(stages);
    }
}
