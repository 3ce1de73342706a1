package dev.enrich.api;

import static dev.enrich.cost.CostEntries.chat;

import dev.enrich.cost.CostLedger;
import dev.enrich.pipeline.StageName;
import dev.enrich.testing.ServiceTest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

@ServiceTest
class AdminCostReportTest {

    @Autowired
    WebTestClient http;

    @Autowired
    CostLedger ledger;

    @Test
    void reportsSessionsAggregatesTopStagesAndBudgetsWhenEnabled() {
        String now = Instant.now().toString();
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        Flux.just(chat("admin-test", "s1", StageName.SUMMARY, "gpt-4o", "0.25", now),
                chat("admin-test", "s1", StageName.CANVAS, "gpt-4o-mini", "0.05", now),
                chat("someone-else", "s9", StageName.SUMMARY, "gpt-4o", "9.00", now))
                .concatMap(ledger::record).blockLast();

        http.get().uri("/api/v1/admin/costs?tenant=admin-test").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.currency").isEqualTo("USD")
                .jsonPath("$.tenant").isEqualTo("admin-test")
                .jsonPath("$.to").isEqualTo(today)
                .jsonPath("$.total.cost").isEqualTo(0.30)
                .jsonPath("$.total.calls").isEqualTo(2)
                .jsonPath("$.sessions.length()").isEqualTo(1)
                .jsonPath("$.sessions[0].sessionId").isEqualTo("s1")
                .jsonPath("$.sessions[0].costByStage.summary").isEqualTo(0.25)
                .jsonPath("$.daily[0].day").isEqualTo(today)
                .jsonPath("$.daily[0].usage.cost").isEqualTo(0.30)
                .jsonPath("$.monthly[0].month").isEqualTo(today.substring(0, 7))
                .jsonPath("$.topStages[0].stage").isEqualTo("summary")
                .jsonPath("$.topModels[0].model").isEqualTo("gpt-4o")
                .jsonPath("$.budgets[0].tenant").isEqualTo("admin-test")
                .jsonPath("$.budgets[0].limits.daily").isEqualTo(10.00)
                .jsonPath("$.budgets[0].exhausted").isEqualTo(false)
                .jsonPath("$.hints").isArray();
    }

    @Test
    void answersBadRequestForAnUnreadableOrInvertedRange() {
        http.get().uri("/api/v1/admin/costs?from=yesterday").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("from must be a date like 2025-01-31.");
        http.get().uri("/api/v1/admin/costs?from=2025-02-01&to=2025-01-01").exchange()
                .expectStatus().isBadRequest();
    }
}
