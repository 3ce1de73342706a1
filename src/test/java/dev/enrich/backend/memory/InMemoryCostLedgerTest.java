package dev.enrich.backend.memory;

import dev.enrich.backend.CostLedgerContract;
import dev.enrich.cost.CostLedger;

/** The in-memory CostLedger keeps the port's contract. */
class InMemoryCostLedgerTest extends CostLedgerContract {

    @Override
    protected CostLedger ledger(int maxEntries, int maxSessions, int retainDays) {
        return new InMemoryCostLedger(maxEntries, maxSessions, retainDays);
    }
}
