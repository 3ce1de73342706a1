package dev.enrich.cost;

import static reactor.function.TupleUtils.function;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.enrich.ai.AiException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import reactor.core.publisher.Mono;

/**
 * Enforce per-tenant AI budgets: a daily and a monthly limit (UTC day and month), with a default for every tenant
 * and per-tenant overrides. A tenant whose spend of the day or month has reached its limit gets no more AI calls
 * until the next day or month.
 *
 * <p>The limits are hard caps: before a call starts, its most expensive outcome is {@linkplain #reserve reserved}
 * in the {@link CostLedger}, atomically against the spend and the reservations of the tenant's other calls, and a
 * call that could pass a limit does not start. Only a provider answering with more than it was allowed (ignoring
 * {@code max_tokens}) can cost more than reserved; that overrun is recorded and the next calls are refused.
 */
public final class Budgets {

    /** Tell the user why the basic path was used, when a budget is exhausted; never name an amount. */
    public static final String PAUSED_MESSAGE = "AI features are paused for now — basic enrichment was used";

    private final CostProperties.Budgets settings;
    private final CostLedger ledger;
    private final Clock clock;

    /** Create budgets over the spend held by {@code ledger}; {@code clock} says what day it is. */
    public Budgets(CostProperties.Budgets settings, CostLedger ledger, Clock clock) {
        this.settings = settings;
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * Hold one tenant's effective limits.
     *
     * @param daily the daily limit
     * @param monthly the monthly limit
     */
    public record Limits(BigDecimal daily, BigDecimal monthly) {}

    /**
     * Hold one tenant's limits and spend so far (for the admin report).
     *
     * @param tenant the tenant
     * @param limits its limits
     * @param spentToday spend of the current UTC day
     * @param spentThisMonth spend of the current UTC month
     */
    public record Status(String tenant, Limits limits, BigDecimal spentToday, BigDecimal spentThisMonth) {

        /** Return true when no more AI calls may start for the tenant. */
        @JsonProperty("exhausted")
        public boolean exhausted() {
            return spentToday.compareTo(limits.daily()) >= 0 || spentThisMonth.compareTo(limits.monthly()) >= 0;
        }
    }

    /** Return the limits that apply to {@code tenant}. */
    public Limits limits(String tenant) {
        CostProperties.TenantLimits own = settings.tenants().get(tenant);
        BigDecimal daily = own != null && own.daily() != null ? own.daily() : settings.daily();
        BigDecimal monthly = own != null && own.monthly() != null ? own.monthly() : settings.monthly();
        return new Limits(daily, monthly);
    }

    /** Return the tenant's limits and spend of the current day and month. */
    public Mono<Status> status(String tenant) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        return Mono.zip(ledger.total(tenant, today, today), ledger.total(tenant, today.withDayOfMonth(1), today))
                .map(function((day, month) -> new Status(tenant, limits(tenant), day, month)));
    }

    /**
     * Reserve {@code amount} of the tenant's budgets for a call starting at {@code at}; settle the reservation with
     * {@link CostLedger#settle} when the call ends, whatever the ending. When the amount could pass the daily or
     * monthly limit, signal an {@link AiException} of kind {@link AiException.Kind#BUDGET_EXHAUSTED} instead (its
     * message names the tenant and which limit, never an amount).
     */
    public Mono<Reservation.Held> reserve(String tenant, BigDecimal amount, Instant at) {
        return ledger.reserve(tenant, LocalDate.ofInstant(at, ZoneOffset.UTC), amount, limits(tenant))
                .flatMap(r -> r instanceof Reservation.Held held ? Mono.just(held)
                        : Mono.error(new AiException(AiException.Kind.BUDGET_EXHAUSTED, "AI "
                                + ((Reservation.Refused) r).limit().name().toLowerCase(Locale.ROOT)
                                + " budget of tenant " + tenant + " does not cover another call", null, null)));
    }
}
