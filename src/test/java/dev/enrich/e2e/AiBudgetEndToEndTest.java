package dev.enrich.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.cost.Budgets;
import dev.enrich.cost.CostLedger;
import dev.enrich.cost.DailyCost;
import dev.enrich.testing.CostWording;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Hold the daily AI budget as a hard cap while many jobs of one tenant call the provider at once, the provider (the
 * fake on loopback) answering every call with all the tokens it was allowed: the tenant's spend stays within the
 * budget, the jobs past it fall back to basic enrichment with the friendly message, and no amount reaches users.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "enrich.media.dir=${java.io.tmpdir}/enrich-budget-e2e-media", "enrich.pool.concurrency=8",
        "enrich.cost.budgets.daily=0.50",
        // expensive on purpose: a few calls reach the budget
        "enrich.cost.prices.gpt-4o-mini.input-per-million=10", "enrich.cost.prices.gpt-4o-mini.output-per-million=100"})
@AutoConfigureWebTestClient(timeout = "PT60S")
class AiBudgetEndToEndTest {

    private static final int JOBS = 12;
    private static final BigDecimal DAILY = new BigDecimal("0.50");

    static FakeOpenAiServer ai = FakeOpenAiServer.start(new FakeOpenAiServer.Options(0, Duration.ofMillis(300), 0,
            Set.of(), 42, null, "1"));

    @Autowired
    WebTestClient http;

    @Autowired
    CostLedger ledger;

    @Autowired
    Clock clock;

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("enrich.ai.base-url", () -> ai.baseUrl());
    }

    @AfterAll
    static void stop() {
        ai.close();
    }

    @Test
    void concurrentJobsOfOneTenantNeverSpendMoreThanItsDailyBudget() {
        ai.reportUsage(FakeOpenAiServer.Usage.MAXIMAL);
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            String session = E2e.uploadNotes(http, "Planning " + i, "We planned release " + i
                    + ". I will write the notes. We need to fix the flaky test before Friday.");
            jobs.add(E2e.enrich(http, session, "{}"));
        }
        E2e.awaitIdle(http, Duration.ofSeconds(60));

        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        List<DailyCost> spend = ledger.daily(null, today, today).collectList().block();
        assertThat(spend).singleElement().satisfies(d -> {
            assertThat(d.usage().calls()).isPositive().isEqualTo(ai.requests().size());
            assertThat(d.usage().cost()).isPositive().isLessThanOrEqualTo(DAILY);
        });
        assertThat(ai.requests()).allSatisfy(r -> assertThat(r.json().path("max_tokens").asInt()).isPositive());

        List<String> views = jobs.stream().map(id -> http.get().uri("/api/v1/jobs/{id}", id).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody()).toList();
        assertThat(views).anySatisfy(v -> assertThat(v).contains(Budgets.PAUSED_MESSAGE));
        assertThat(views).allSatisfy(v -> assertThat(CostWording.in(v)).isEmpty());
    }
}
