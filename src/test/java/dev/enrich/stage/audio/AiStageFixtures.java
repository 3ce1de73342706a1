package dev.enrich.stage.audio;

import dev.enrich.ai.AiProvider;
import dev.enrich.ai.OpenAiCompatibleProvider;
import dev.enrich.backend.memory.InMemoryCostLedger;
import dev.enrich.config.AiProperties;
import dev.enrich.cost.Budgets;
import dev.enrich.cost.CostProperties;
import dev.enrich.cost.MeteredAiProvider;
import dev.enrich.cost.ModelNames;
import dev.enrich.cost.PriceTable;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.scheduler.Schedulers;

/** Build real AI providers for stage tests and run stages to the end. */
public final class AiStageFixtures {

    private AiStageFixtures() {}

    /** Return a real OpenAI-compatible provider for {@code properties} (e.g. pointing at a FakeOpenAiServer). */
    public static OpenAiCompatibleProvider provider(AiProperties properties) {
        return new OpenAiCompatibleProvider(properties, WebClient.builder());
    }

    /** Return {@code delegate} behind budgets of zero: every call is refused as BUDGET_EXHAUSTED, nothing is sent. */
    public static AiProvider exhaustedBudget(AiProvider delegate) {
        InMemoryCostLedger ledger = new InMemoryCostLedger(100, 100, 40);
        Clock clock = Clock.systemUTC();
        Budgets budgets = new Budgets(new CostProperties.Budgets(BigDecimal.ZERO, BigDecimal.ZERO, null), ledger,
                clock);
        return new MeteredAiProvider(delegate, new ModelNames("whisper-1", Map.of()), new PriceTable("USD", Map.of()),
                budgets, ledger, new SimpleMeterRegistry(), clock);
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
