package dev.enrich.cost;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wire prices, budgets, hints, the admin reporter and the AI metering over whichever {@link CostLedger} exists; the
 * metering is put into the AI provider chain by {@code dev.enrich.aichain.AiChainConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class CostConfiguration {

    @Bean
    PriceTable priceTable(CostProperties props) {
        return PriceTable.of(props);
    }

    @Bean
    Budgets budgets(CostProperties props, CostLedger ledger, Clock clock) {
        return new Budgets(props.budgets(), ledger, clock);
    }

    @Bean
    CostHints costHints(PriceTable prices, CostProperties props) {
        return new CostHints(prices, props.hints());
    }

    @Bean
    CostReporter costReporter(CostLedger ledger, Budgets budgets, CostHints hints, PriceTable prices, Clock clock) {
        return new CostReporter(ledger, budgets, hints, prices, clock);
    }

    @Bean
    AiMetering aiMetering(PriceTable prices, Budgets budgets, CostLedger ledger, MeterRegistry meters,
            Clock clock) {
        return new AiMetering(prices, budgets, ledger, meters, clock);
    }
}
