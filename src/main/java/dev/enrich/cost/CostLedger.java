package dev.enrich.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.math.MathFlux;

/**
 * Keep the record of AI calls (port): per-day buckets per tenant, stage and model, per-session totals, and a bounded
 * tail of raw entries. Days are UTC days. Adapters may forget old data (they are bounded) but never lose spend of the
 * current month, which budgets depend on.
 *
 * <p>Budgets are enforced with reservations: before a call starts, {@link #reserve} atomically checks the tenant's
 * spend plus its outstanding reservations against its limits and holds the call's estimated cost; when the call
 * ends, {@link #settle} records what it really cost and releases the hold, in one step. Adapters keep a reservation
 * until it is settled (a shared adapter may also expire reservations whose holder died).
 *
 * <p>Daily, monthly and range totals are derived from {@link #buckets}; adapters may override them with cheaper
 * queries.
 */
public interface CostLedger {

    /** Record one call that held no reservation. */
    Mono<Void> record(CostEntry entry);

    /**
     * Reserve {@code amount} of the tenant's budget for a call starting on the UTC {@code day}, atomically with
     * respect to every other reservation and settlement: held only when the tenant's committed amount (recorded spend
     * plus outstanding reservations) is below the limit and stays at or below it with {@code amount} added, for the
     * day against {@code limits.daily()} and for the day's month against {@code limits.monthly()}. A zero limit
     * refuses everything.
     */
    Mono<Reservation> reserve(String tenant, LocalDate day, BigDecimal amount, Budgets.Limits limits);

    /**
     * Record {@code entry} (the settled call, at its real cost, which may exceed the amount held) and release
     * {@code reservation}, atomically. Only the first settlement of a reservation counts: settling it again records
     * nothing.
     */
    Mono<Void> settle(Reservation.Held reservation, CostEntry entry);

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
        return MathFlux.sumBigDecimal(buckets(tenant, from, to), b -> b.usage().cost())
                .defaultIfEmpty(BigDecimal.ZERO);
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
