package dev.enrich.cost;

import static reactor.function.TupleUtils.function;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Build the admin {@link CostReport} from the ledger, budgets and hints. */
public final class CostReporter {

    /** The most sessions a report lists. */
    public static final int MAX_SESSIONS = 100;

    /** The most days one report covers. */
    public static final int MAX_DAYS = 366;

    /** The days a report covers when not told. */
    public static final int DEFAULT_DAYS = 30;

    private static final int TOP = 10;

    private final CostLedger ledger;
    private final Budgets budgets;
    private final CostHints hints;
    private final PriceTable prices;
    private final Clock clock;

    /** Create a reporter; {@code clock} says what day it is. */
    public CostReporter(CostLedger ledger, Budgets budgets, CostHints hints, PriceTable prices, Clock clock) {
        this.ledger = ledger;
        this.budgets = budgets;
        this.hints = hints;
        this.prices = prices;
        this.clock = clock;
    }

    /**
     * Report the UTC days {@code from}..{@code to}.
     *
     * @param tenant one tenant, or {@code null} for all
     * @param from first day; default {@code to} minus {@value #DEFAULT_DAYS} days plus one
     * @param to last day; default today (UTC)
     * @throws IllegalArgumentException when {@code from} is after {@code to} or the range exceeds {@value #MAX_DAYS}
     *     days
     */
    public Mono<CostReport> report(@Nullable String tenant, @Nullable LocalDate from, @Nullable LocalDate to) {
        Instant now = clock.instant();
        LocalDate last = to != null ? to : LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = from != null ? from : last.minusDays(DEFAULT_DAYS - 1);
        if (first.isAfter(last)) {
            throw new IllegalArgumentException("from must not be after to, but was " + first + " > " + last);
        }
        if (ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
            throw new IllegalArgumentException("A cost report covers at most " + MAX_DAYS + " days.");
        }
        Mono<List<CostBucket>> buckets = ledger.buckets(tenant, first, last).collectList();
        Mono<List<SessionCost>> sessions = ledger.sessions(tenant, first.atStartOfDay(ZoneOffset.UTC).toInstant(),
                last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), MAX_SESSIONS).collectList();
        Mono<List<MonthlyCost>> monthly = ledger.monthly(tenant, YearMonth.from(first), YearMonth.from(last))
                .collectList();
        return Mono.zip(buckets, sessions, monthly, hints.hints(ledger, tenant, now))
                .flatMap(function((inRange, topSessions, months, costHints) -> statuses(tenant, inRange)
                        .map(statuses -> new CostReport(prices.currency(), tenant, first, last, now,
                                Aggregates.sum(inRange), topSessions, Aggregates.daily(inRange), months,
                                Aggregates.top(inRange, CostBucket::stage, TOP).stream()
                                        .map(r -> new CostReport.StageUsage(r.key(), r.usage())).toList(),
                                Aggregates.top(inRange, CostBucket::model, TOP).stream()
                                        .map(r -> new CostReport.ModelUsage(r.key(), r.usage())).toList(),
                                statuses, costHints))));
    }

    private Mono<List<Budgets.Status>> statuses(@Nullable String tenant, List<CostBucket> buckets) {
        TreeSet<String> tenants = new TreeSet<>();
        if (tenant != null) {
            tenants.add(tenant);
        } else {
            buckets.forEach(b -> tenants.add(b.tenant()));
        }
        return Flux.fromIterable(tenants).concatMap(budgets::status).collectList();
    }
}
