package dev.enrich.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.testing.LogCapture;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableTest {

    private final PriceTable table = new PriceTable("USD", Map.of(
            "big", new CostProperties.Price(new BigDecimal("2.50"), new BigDecimal("10.00"), BigDecimal.ZERO),
            "small", new CostProperties.Price(new BigDecimal("0.15"), new BigDecimal("0.60"), BigDecimal.ZERO),
            "whisper-1", new CostProperties.Price(BigDecimal.ZERO, BigDecimal.ZERO, new BigDecimal("0.006"))));

    @Test
    void pricesTokensPerMillionInAndOut() {
        // 1,200 × 2.50 / 1M + 300 × 10.00 / 1M = 0.003 + 0.003
        assertThat(table.chat("big", 1_200, 300)).isEqualByComparingTo("0.006");
        assertThat(table.chat("big", 1_200, 300).scale()).isEqualTo(PriceTable.SCALE);
        assertThat(table.chat("small", 1_000_000, 1_000_000)).isEqualByComparingTo("0.75");
    }

    @Test
    void pricesAudioPerMinuteIncludingFractions() {
        assertThat(table.transcription("whisper-1", 60)).isEqualByComparingTo("0.006");
        assertThat(table.transcription("whisper-1", 90)).isEqualByComparingTo("0.009");
        // 10 s = 0.001 exactly; 1 s = 0.0001
        assertThat(table.transcription("whisper-1", 1)).isEqualByComparingTo("0.0001");
    }

    @Test
    void roundsHalfUpToEightDecimalsOncePerCall() {
        // 1 token × 0.15 / 1M = 0.00000015 exactly
        assertThat(table.chat("small", 1, 0)).isEqualByComparingTo("0.00000015");
        // 1/3 s × 0.006 / 60 = 0.0000333… → 0.00003333
        assertThat(table.transcription("whisper-1", 1.0 / 3)).isEqualByComparingTo("0.00003333");
        // 2/3 s → 0.0000666… → rounds up to 0.00006667
        assertThat(table.transcription("whisper-1", 2.0 / 3)).isEqualByComparingTo("0.00006667");
        PriceTable odd = new PriceTable("USD", Map.of("odd",
                new CostProperties.Price(new BigDecimal("0.005"), BigDecimal.ZERO, BigDecimal.ZERO)));
        // 1 × 0.005 / 1M = 0.000000005 → half-up at the 8th place → 0.00000001
        assertThat(odd.chat("odd", 1, 0)).isEqualByComparingTo("0.00000001");
    }

    @Test
    void matchesDatedAndTaggedVariantsOfConfiguredModels() {
        assertThat(table.chat("small-2024-07-18", 1_000_000, 0)).isEqualByComparingTo("0.15");
        assertThat(table.chat("BIG", 1_000_000, 0)).isEqualByComparingTo("2.50");
        assertThat(table.price("smaller")).isEmpty();
    }

    @Test
    void unknownModelCostsZeroAndIsWarnedAboutOnce() {
        try (LogCapture logs = new LogCapture(PriceTable.class)) {
            assertThat(table.chat("mystery-model", 5_000, 5_000)).isZero();
            assertThat(table.transcription("mystery-model", 600)).isZero();
            table.chat("other-mystery", 1, 1);
            assertThat(logs.lines()).hasSize(2);
            assertThat(logs.lines().get(0)).contains("mystery-model").contains("zero cost");
        }
    }

    @Test
    void usesExamplePricesOnlyWhenNoneAreConfigured() {
        assertThat(CostProperties.defaults().prices()).isEqualTo(CostProperties.EXAMPLE_PRICES);
        CostProperties own = new CostProperties("EUR", Map.of("local", new CostProperties.Price(
                BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO)), CostProperties.Budgets.defaults(),
                CostProperties.Ledger.defaults(), CostProperties.Hints.defaults());
        assertThat(own.prices()).containsOnlyKeys("local");
        assertThat(PriceTable.of(own).currency()).isEqualTo("EUR");
    }

    @Test
    void rejectsInvalidSettingsWithTheirNames() {
        assertThatThrownBy(() -> new CostProperties.Price(new BigDecimal("-1"), BigDecimal.ZERO, BigDecimal.ZERO))
                .hasMessage("enrich.cost.input-per-million must be >= 0, but was -1");
        assertThatThrownBy(() -> new CostProperties("dollars", null, CostProperties.Budgets.defaults(),
                CostProperties.Ledger.defaults(), CostProperties.Hints.defaults()))
                .hasMessage("enrich.cost.currency must be an ISO 4217 code, but was dollars");
        assertThatThrownBy(() -> new CostProperties.Budgets(new BigDecimal("-0.01"), BigDecimal.ONE, null))
                .hasMessage("enrich.cost.budgets.daily must be >= 0, but was -0.01");
        assertThatThrownBy(() -> new CostProperties.Ledger(10, 10, 30))
                .hasMessage("enrich.cost.ledger.retain-days must be >= 62, but was 30");
        assertThatThrownBy(() -> new CostProperties.Hints(0, 5))
                .hasMessage("enrich.cost.hints.small-output-tokens must be > 0, but was 0");
    }
}
