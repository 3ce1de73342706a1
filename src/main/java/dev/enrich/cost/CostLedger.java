package dev.enrich.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keep the record of AI calls (port): per-day buckets per tenant, stage and model, per-session totals, and a bounded
 * tail of raw entries. Days are UTC days. Adapters may forget old data (they are bounded) but never lose spend of the
 * current month, which budgets depend on.
 *
 * <p>Daily, monthly and range totals are derived from {@link #buckets}; adapters may override them with cheaper
 * queries.
 */
public interface CostLedger {

    /** Record one call. */
    Mono<Void> record(CostEntry entry);

    /**
     * Return the buckets of the UTC days {@code from}..{@code to} (inclusive), ordered by day.
     *
     * @param tenant only this tenant's buckets; {@code null} for all tenants
     */
    Flux<CostBucket> buckets(@Nullable String tenant, LocalDate from, LocalDate to);

    /**
     * Return the totals of sessions whose latest call started in {@code [from, to)}, most recent first.
     *
     * @param tenant only this tenant's sessions; {@code null} for all tenants
     * @param limit the most sessions returned
     */
    Flux<SessionCost> sessions(@Nullable String tenant, Instant from, Instant to, int limit);

    /** Return one session's totals; empty when the ledger holds none for it. */
    Mono<SessionCost> session(String tenant, String sessionId);

    /** Return the raw entries still held that started at or after {@code from}, oldest first. */
    Flux<CostEntry> since(Instant from);

    /** Return one tenant's spend over the UTC days {@code from}..{@code to} (inclusive). */
    default Mono<BigDecimal> total(String tenant, LocalDate from, LocalDate to) {
        return buckets(tenant, from, to).map(b -> b.usage().cost()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Return per-tenant daily aggregates over {@code from}..{@code to}, ordered by tenant then day. */
    default Flux<DailyCost> daily(@Nullable String tenant, LocalDate from, LocalDate to) {
        return Aggregates.daily(buckets(tenant, from, to));
    }

    /** Return per-tenant monthly aggregates of the months {@code from}..{@code to}, ordered by tenant then month. */
    default Flux<MonthlyCost> monthly(@Nullable String tenant, YearMonth from, YearMonth to) {
        return Aggregates.monthly(buckets(tenant, from.atDay(1), to.atEndOfMonth()));
    }
}
