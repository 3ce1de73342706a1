package dev.enrich.cost;

import dev.enrich.ai.AiProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/** Wrap AI providers in a {@link MeteredAiProvider} sharing this application's prices, budgets and ledger. */
public final class AiMetering {

    private final PriceTable prices;
    private final Budgets budgets;
    private final CostLedger ledger;
    private final MeterRegistry meters;
    private final Clock clock;

    /** Create the metering of one application. */
    public AiMetering(PriceTable prices, Budgets budgets, CostLedger ledger, MeterRegistry meters, Clock clock) {
        this.prices = prices;
        this.budgets = budgets;
        this.ledger = ledger;
        this.meters = meters;
        this.clock = clock;
    }

    /** Return {@code delegate} metered: budget-checked, priced, recorded, logged and counted. */
    public AiProvider meter(AiProvider delegate, ModelNames models) {
        return new MeteredAiProvider(delegate, models, prices, budgets, ledger, meters, clock);
    }
}
