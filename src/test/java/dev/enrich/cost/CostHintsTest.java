package dev.enrich.cost;

import static dev.enrich.cost.CostEntries.chat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.memory.InMemoryCostLedger;
import dev.enrich.pipeline.StageName;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class CostHintsTest {

    final InMemoryCostLedger ledger = new InMemoryCostLedger(1_000, 1_000, 400);
    final CostHints hints = new CostHints(new PriceTable("USD", MeteredAiProviderTest.PRICES),
            new CostProperties.Hints(64, 3));
    final Instant now = Instant.parse("2025-03-15T12:00:00Z");

    void record(CostEntry... entries) {
        Flux.fromArray(entries).concatMap(ledger::record).blockLast();
    }

    List<CostHint> hints() {
        return hints.hints(ledger, "acme", now).block();
    }

    @Test
    void namesTheStageWhoseCostPerSessionGrewMost() {
        for (int i = 0; i < 3; i++) {
            // previous week: summary 0.10, canvas 0.10 per session
            record(chat("acme", "p" + i, StageName.SUMMARY, "m", "0.10", "2025-03-03T10:00:00Z"),
                    chat("acme", "p" + i, StageName.CANVAS, "m", "0.10", "2025-03-03T10:00:00Z"),
                    // last week: summary 0.12 (+20%), canvas 0.25 (+150%)
                    chat("acme", "n" + i, StageName.SUMMARY, "m", "0.12", "2025-03-12T10:00:00Z"),
                    chat("acme", "n" + i, StageName.CANVAS, "m", "0.25", "2025-03-12T10:00:00Z"));
        }
        assertThat(hints()).filteredOn(h -> h.type() == CostHint.Type.STAGE_GROWTH).singleElement()
                .satisfies(h -> {
                    assertThat(h.stage()).isEqualTo(StageName.CANVAS);
                    assertThat(h.before()).isEqualByComparingTo("0.10");
                    assertThat(h.after()).isEqualByComparingTo("0.25");
                    assertThat(h.text()).contains("canvas", "150%");
                });
    }

    @Test
    void givesNoGrowthHintWithTooFewSessions() {
        record(chat("acme", "p", StageName.SUMMARY, "m", "0.10", "2025-03-03T10:00:00Z"),
                chat("acme", "n", StageName.SUMMARY, "m", "0.50", "2025-03-12T10:00:00Z"));
        assertThat(hints()).isEmpty();
    }

    @Test
    void givesNoGrowthHintWhenCostPerSessionFell() {
        for (int i = 0; i < 3; i++) {
            record(chat("acme", "p" + i, StageName.SUMMARY, "m", "0.10", "2025-03-03T10:00:00Z"),
                    chat("acme", "n" + i, StageName.SUMMARY, "m", "0.05", "2025-03-12T10:00:00Z"));
        }
        assertThat(hints()).noneMatch(h -> h.type() == CostHint.Type.STAGE_GROWTH);
    }

    @Test
    void suggestsASmallerModelForShortChatRepliesOnAnExpensiveModel() {
        for (int i = 0; i < 3; i++) {
            record(chat("acme", "s" + i, StageName.SUMMARY, "big", 2_000, 20, "0.0052", "2025-03-14T10:00:00Z"),
                    // long replies: not a candidate
                    chat("acme", "s" + i, StageName.CANVAS, "big", 2_000, 900, "0.014", "2025-03-14T10:00:00Z"),
                    // another tenant's calls do not count for acme
                    chat("beta", "b" + i, StageName.VIDEO, "big", 2_000, 10, "0.0051", "2025-03-14T10:00:00Z"));
        }
        assertThat(hints()).singleElement().satisfies(h -> {
            assertThat(h.type()).isEqualTo(CostHint.Type.SMALLER_MODEL);
            assertThat(h.stage()).isEqualTo(StageName.SUMMARY);
            assertThat(h.model()).isEqualTo("big");
            assertThat(h.suggestedModel()).isEqualTo("small");
            assertThat(h.before()).isEqualByComparingTo("0.0156");
            // 6,000 × 0.15 / 1M + 60 × 0.60 / 1M
            assertThat(h.after()).isEqualByComparingTo("0.000936");
            assertThat(h.text()).contains("averaged 20 output tokens");
        });
    }

    @Test
    void doesNotSuggestTheCheapestModelToItself() {
        for (int i = 0; i < 3; i++) {
            record(chat("acme", "s" + i, StageName.SUMMARY, "small", 2_000, 20, "0.000312",
                    "2025-03-14T10:00:00Z"));
        }
        assertThat(hints()).isEmpty();
    }
}
