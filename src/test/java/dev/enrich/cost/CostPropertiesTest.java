package dev.enrich.cost;

import dev.enrich.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.backend.memory.InMemoryCostLedger;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class CostPropertiesTest {

    static CostProperties bind(Map<String, String> props) {
        return new Binder(new MapConfigurationPropertySource(props)).bindOrCreate("enrich.cost",
                CostProperties.class);
    }

    @Test
    void bindsPricesBudgetsAndTenantOverrides() {
        CostProperties p = bind(Map.of(
                "enrich.cost.currency", "EUR",
                "enrich.cost.prices.gpt-4o-mini.input-per-million", "0.20",
                "enrich.cost.prices.[llama3.1:8b].output-per-million", "0",
                "enrich.cost.budgets.daily", "5",
                "enrich.cost.budgets.tenants.acme.monthly", "50",
                "enrich.cost.ledger.max-entries", "500"));
        assertThat(p.currency()).isEqualTo("EUR");
        assertThat(p.prices()).containsOnlyKeys("gpt-4o-mini", "llama3.1:8b");
        assertThat(p.prices().get("gpt-4o-mini").inputPerMillion()).isEqualByComparingTo("0.20");
        assertThat(p.prices().get("gpt-4o-mini").outputPerMillion()).isZero();
        assertThat(p.budgets().daily()).isEqualByComparingTo("5");
        assertThat(p.budgets().monthly()).isEqualByComparingTo("200.00");
        Budgets budgets = new Budgets(p.budgets(), new InMemoryCostLedger(1, 1, 62),
                MutableClock.at("2025-01-01T00:00:00Z"));
        assertThat(budgets.limits("acme")).isEqualTo(new Budgets.Limits(new BigDecimal("5"), new BigDecimal("50")));
        assertThat(p.ledger().maxEntries()).isEqualTo(500);
    }

    @Test
    void defaultsToExamplePricesAndExampleBudgets() {
        CostProperties p = bind(Map.of());
        assertThat(p).isEqualTo(CostProperties.defaults());
        assertThat(p.prices()).containsKeys("gpt-4o-mini", "whisper-1");
    }

    @Test
    void failsStartupOnAnInvalidSetting() {
        assertThatThrownBy(() -> bind(Map.of("enrich.cost.budgets.monthly", "-5")))
                .rootCause().hasMessage("enrich.cost.budgets.monthly must be >= 0, but was -5");
    }
}
