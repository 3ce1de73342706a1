package dev.enrich.cost;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/**
 * Say how a request to reserve part of a tenant's AI budget ended: {@link Held} (the call may start, and must be
 * settled once it ends) or {@link Refused} (the call must not start).
 */
public sealed interface Reservation permits Reservation.Held, Reservation.Refused {

    /** Name the limit that refused a reservation. */
    enum Limit {
        DAILY,
        MONTHLY
    }

    /**
     * Hold an amount of one tenant's budget for one call until {@link CostLedger#settle} releases it.
     *
     * @param id unique among the ledger's outstanding reservations
     * @param tenant the tenant whose budget holds it
     * @param day the UTC day the call starts on; it counts against this day and its month
     * @param amount the most the call is expected to cost; never negative
     */
    record Held(long id, String tenant, LocalDate day, BigDecimal amount) implements Reservation {

        public Held {
            Objects.requireNonNull(tenant, "tenant");
            if (amount.signum() < 0) {
                throw new IllegalArgumentException("amount must be >= 0, but was " + amount);
            }
        }
    }

    /**
     * Refuse a reservation: the amount would pass {@code limit}, or the limit is already reached.
     *
     * @param limit the limit that refused it (daily first when both would)
     */
    record Refused(Limit limit) implements Reservation {}
}
