package dev.enrich.backend.memory;

import dev.enrich.cost.CostLedger;
import dev.enrich.cost.CostProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wire the in-memory cost ledger with the embedded backend, {@code enrich.backend=memory}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.backend", havingValue = "memory", matchIfMissing = true)
class MemoryCostConfiguration {

    @Bean
    CostLedger costLedger(CostProperties props) {
        CostProperties.Ledger l = props.ledger();
        return new InMemoryCostLedger(l.maxEntries(), l.maxSessions(), l.retainDays());
    }
}
