package dev.enrich.cost;

import dev.enrich.pipeline.StageName;
import java.math.BigDecimal;
import java.time.Instant;

/** Build ledger entries for tests. */
public final class CostEntries {

    private CostEntries() {}

    /** Return a successful chat entry costing {@code cost}. */
    public static CostEntry chat(String tenant, String session, StageName stage, String model, String cost,
            String at) {
        return chat(tenant, session, stage, model, 1_000, 100, cost, at);
    }

    /** Return a successful chat entry with the given tokens and cost. */
    public static CostEntry chat(String tenant, String session, StageName stage, String model, long in, long out,
            String cost, String at) {
        return new CostEntry(tenant, session, "job-" + session, stage, model, CostEntry.Kind.CHAT, in, out, 0, 120,
                new BigDecimal(cost), Instant.parse(at), false);
    }
}
