package dev.enrich.stage.audio;

import dev.enrich.ai.OpenAiCompatibleProvider;
import dev.enrich.config.AiProperties;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.testing.Json;
import java.time.Duration;
import java.util.List;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.scheduler.Schedulers;

/** Build real AI providers for the audio and video AI stage tests, and run stages to the end. */
public final class AiMediaFixtures {

    private AiMediaFixtures() {}

    /** Return a real OpenAI-compatible provider for {@code properties} (e.g. pointing at a FakeOpenAiServer). */
    public static OpenAiCompatibleProvider provider(AiProperties properties) {
        return new OpenAiCompatibleProvider(properties, WebClient.builder(), Json.mapper());
    }

    /** Run a stage on a bounded scheduler and return every update. */
    public static List<StageUpdate> run(Stage stage, StageContext context) {
        return stage.run(context).subscribeOn(Schedulers.boundedElastic()).collectList()
                .block(Duration.ofSeconds(120));
    }

    /** Return the result carried by the last update. */
    public static StageResult result(List<StageUpdate> updates) {
        return ((StageUpdate.Done) updates.get(updates.size() - 1)).result();
    }

    /** Return the progress fractions, in order. */
    public static List<Double> fractions(List<StageUpdate> updates) {
        return updates.stream().filter(StageUpdate.Progress.class::isInstance)
                .map(u -> ((StageUpdate.Progress) u).fraction()).toList();
    }
}
