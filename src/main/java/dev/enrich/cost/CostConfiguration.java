package dev.enrich.cost;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatRequest;
import dev.enrich.config.AiProperties;
import java.util.Map;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wire prices, budgets, hints, the admin reporter and the AI metering over whichever {@link CostLedger} exists. */
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

    /**
     * Return the configured provider ({@code aiProvider}) behind budgets and cost accounting; the resilience layer
     * ({@code resilientAiProvider}, the primary one the stages use) wraps it, so every attempt is metered. Disabled
     * providers are passed through untouched: nothing is called, nothing is charged.
     */
    @Bean
    AiProvider meteredAiProvider(@Qualifier("aiProvider") AiProvider provider, AiMetering metering,
            AiProperties ai) {
        if (!provider.enabled()) {
            return provider;
        }
        AiProperties.Models m = ai.models();
        return metering.meter(provider, new ModelNames(m.transcription(), Map.of(ChatRequest.Task.SUMMARY,
                m.summary(), ChatRequest.Task.VISION, m.vision(), ChatRequest.Task.CANVAS, m.canvas())));
    }
}
