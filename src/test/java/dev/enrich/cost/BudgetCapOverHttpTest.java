package dev.enrich.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiException;
import dev.enrich.ai.ChatRequest;
import dev.enrich.ai.OpenAiCompatibleProvider;
import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.ai.fake.RecordedRequest;
import dev.enrich.backend.memory.InMemoryCostLedger;
import dev.enrich.config.AiProperties;
import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Json;
import dev.enrich.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Hold the AI budget as a hard cap against a real HTTP provider (the fake OpenAI-compatible server on loopback) that
 * reports the most tokens it may, or more than it was allowed.
 */
class BudgetCapOverHttpTest {

    static final BigDecimal DAILY = new BigDecimal("0.50");
    static final LocalDate TODAY = LocalDate.parse("2025-01-30");
    /** Expensive on purpose, so a handful of calls reaches the budget. */
    static final Map<String, CostProperties.Price> PRICES = Map.of("gpt-4o-mini",
            new CostProperties.Price(new BigDecimal("10"), new BigDecimal("100"), BigDecimal.ZERO));
    static final ChatRequest SUMMARY = new ChatRequest(ChatRequest.Task.SUMMARY, List.of(
            ChatRequest.Message.of("system", "Summarize the session as JSON."),
            ChatRequest.Message.of("user", "We planned the release and agreed on the next steps. ".repeat(20))),
            true, 1_200);

    final FakeOpenAiServer fake = FakeOpenAiServer.start(new FakeOpenAiServer.Options(0, Duration.ofMillis(200), 0,
            Set.of(), 42, null, "1"));
    final OpenAiCompatibleProvider http = new OpenAiCompatibleProvider(AiProperties.of(fake.baseUrl(), "sk-test"),
            WebClient.builder(), Json.mapper());
    final InMemoryCostLedger ledger = new InMemoryCostLedger(1_000, 1_000, 400);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final MutableClock clock = MutableClock.at("2025-01-30T10:00:00Z");
    final PriceTable prices = new PriceTable("USD", PRICES);
    final MeteredAiProvider ai = new MeteredAiProvider(http, new ModelNames("whisper-1",
            Map.of(ChatRequest.Task.SUMMARY, "gpt-4o-mini")), prices, new Budgets(new CostProperties.Budgets(DAILY,
            BigDecimal.TEN, null), ledger, clock), ledger, meters, clock);

    @AfterEach
    void stop() {
        http.close();
        fake.close();
    }

    static AiCall call(int job) {
        return new AiCall("acme", "s" + job, "j" + job, StageName.SUMMARY);
    }

    BigDecimal spent() {
        return ledger.total("acme", TODAY, TODAY).block();
    }

    @Test
    void concurrentCallsAnsweredWithAllTheirTokensNeverSpendMoreThanTheBudget() {
        fake.reportUsage(FakeOpenAiServer.Usage.MAXIMAL);
        List<String> outcomes = Flux.range(0, 20)
                .flatMap(i -> ai.chat(call(i), SUMMARY).map(r -> "ok")
                        .onErrorResume(AiException.class, e -> Mono.just(e.kind().name())))
                .collectList().block(Duration.ofSeconds(30));

        long granted = outcomes.stream().filter("ok"::equals).count();
        assertThat(outcomes).hasSize(20).containsOnly("ok", "BUDGET_EXHAUSTED");
        assertThat(granted).isBetween(1L, 19L);
        assertThat(fake.requests()).hasSize((int) granted)
                .allSatisfy(r -> assertThat(r.json().path("max_tokens").asInt()).isEqualTo(1_200));
        // every call cost what it was allowed to: the budget bounds the sum
        assertThat(fake.requests()).extracting(RecordedRequest::path).containsOnly("/v1/chat/completions");
        assertThat(spent()).isGreaterThan(BigDecimal.ZERO).isLessThanOrEqualTo(DAILY);
        assertThat(ledger.since(clock.instant()).collectList().block()).hasSize((int) granted)
                .allSatisfy(e -> assertThat(e.outputTokens()).isEqualTo(1_200));
        assertThat(meters.find("enrich.ai.budget.overruns").counter()).isNull();
    }

    @Test
    void aProviderIgnoringMaxTokensIsChargedItsOverrunOnceAndRefusedAfterwards() {
        fake.reportUsage(FakeOpenAiServer.Usage.HUGE);
        assertThat(ai.chat(call(1), SUMMARY).block(Duration.ofSeconds(10))).isNotNull();
        // 1,000,000 completion tokens at 100 per million, where 1,200 were allowed
        assertThat(spent()).isGreaterThan(new BigDecimal("100"));
        assertThat(meters.get("enrich.ai.budget.overruns").counter().count()).isEqualTo(1);

        List<String> next = Flux.range(2, 5)
                .flatMap(i -> ai.chat(call(i), SUMMARY).map(r -> "ok")
                        .onErrorResume(AiException.class, e -> Mono.just(e.kind().name())))
                .collectList().block(Duration.ofSeconds(10));
        assertThat(next).containsOnly("BUDGET_EXHAUSTED");
        assertThat(fake.requests()).hasSize(1);
    }
}
