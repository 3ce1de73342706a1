package dev.enrich.backend.memory;

import dev.enrich.cost.Budgets;
import dev.enrich.cost.CostBucket;
import dev.enrich.cost.CostEntry;
import dev.enrich.cost.CostLedger;
import dev.enrich.cost.Reservation;
import dev.enrich.cost.SessionCost;
import dev.enrich.cost.Usage;
import dev.enrich.pipeline.StageName;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keep the cost ledger in memory, bounded: calls are summed into per-day buckets (tenant × stage × model) kept for
 * {@code retainDays} days after the newest call; per-session totals are kept for the {@code maxSessions} sessions
 * charged most recently; the newest {@code maxEntries} raw entries are kept for hints and inspection. Reservations
 * are checked and held under the same lock as recording, so concurrent calls of one tenant cannot together pass its
 * limits. Everything is lost on restart.
 */
public final class InMemoryCostLedger implements CostLedger {

    private final int maxEntries;
    private final int retainDays;
    private final Object lock = new Object();
    private final TreeMap<LocalDate, Map<BucketKey, Usage>> days = new TreeMap<>();
    private final ArrayDeque<CostEntry> entries = new ArrayDeque<>();
    /** Recorded spend per day and tenant, pruned with {@link #days}. */
    private final TreeMap<LocalDate, Map<String, BigDecimal>> spent = new TreeMap<>();
    private final Map<Long, Reservation.Held> outstanding = new HashMap<>();
    private long nextReservation;
    private final LinkedHashMap<SessionKey, SessionTotal> sessions;

    /** Create a ledger with the given bounds (each must be > 0). */
    public InMemoryCostLedger(int maxEntries, int maxSessions, int retainDays) {
        if (maxEntries <= 0 || maxSessions <= 0 || retainDays <= 0) {
            throw new IllegalArgumentException("maxEntries, maxSessions and retainDays must be > 0, but were "
                    + maxEntries + ", " + maxSessions + ", " + retainDays);
        }
        this.maxEntries = maxEntries;
        this.retainDays = retainDays;
        this.sessions = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<SessionKey, SessionTotal> eldest) {
                return size() > maxSessions;
            }
        };
    }

    @Override
    public Mono<Void> record(CostEntry entry) {
        return Mono.fromRunnable(() -> add(entry));
    }

    @Override
    public Mono<Reservation> reserve(String tenant, LocalDate day, BigDecimal amount, Budgets.Limits limits) {
        return Mono.fromSupplier(() -> {
            synchronized (lock) {
                Map<String, BigDecimal> ofDay = spent.getOrDefault(day, Map.of());
                BigDecimal daily = ofDay.getOrDefault(tenant, BigDecimal.ZERO);
                BigDecimal monthly = BigDecimal.ZERO;
                for (Map<String, BigDecimal> tenants : spent.subMap(day.withDayOfMonth(1), true, day, true).values()) {
                    monthly = monthly.add(tenants.getOrDefault(tenant, BigDecimal.ZERO));
                }
                // a few per tenant: calls in flight are bounded by the bulkhead
                for (Reservation.Held held : outstanding.values()) {
                    if (held.tenant().equals(tenant) && YearMonth.from(held.day()).equals(YearMonth.from(day))) {
                        monthly = monthly.add(held.amount());
                        daily = held.day().equals(day) ? daily.add(held.amount()) : daily;
                    }
                }
                if (!fits(daily, amount, limits.daily())) {
                    return new Reservation.Refused(Reservation.Limit.DAILY);
                }
                if (!fits(monthly, amount, limits.monthly())) {
                    return new Reservation.Refused(Reservation.Limit.MONTHLY);
                }
                Reservation.Held held = new Reservation.Held(++nextReservation, tenant, day, amount);
                outstanding.put(held.id(), held);
                return held;
            }
        });
    }

    private static boolean fits(BigDecimal committed, BigDecimal amount, BigDecimal limit) {
        return committed.compareTo(limit) < 0 && committed.add(amount).compareTo(limit) <= 0;
    }

    @Override
    public Mono<Void> settle(Reservation.Held reservation, CostEntry entry) {
        return Mono.fromRunnable(() -> {
            synchronized (lock) {
                if (outstanding.remove(reservation.id()) != null) {
                    add(entry);
                }
            }
        });
    }

    private void add(CostEntry e) {
        Usage usage = Usage.of(e);
        synchronized (lock) {
            days.computeIfAbsent(e.day(), d -> new HashMap<>())
                    .merge(new BucketKey(e.tenant(), e.stage(), e.model()), usage, Usage::plus);
            spent.computeIfAbsent(e.day(), d -> new HashMap<>()).merge(e.tenant(), e.cost(), BigDecimal::add);
            LocalDate oldest = days.lastKey().minusDays(retainDays - 1L);
            days.headMap(oldest).clear();
            spent.headMap(oldest).clear();
            entries.addLast(e);
            if (entries.size() > maxEntries) {
                entries.removeFirst();
            }
            SessionKey key = new SessionKey(e.tenant(), e.sessionId());
            SessionTotal total = sessions.get(key);
            if (total == null) {
                sessions.put(key, new SessionTotal(e));
            } else {
                total.add(e);
            }
        }
    }

    @Override
    public Flux<CostBucket> buckets(@Nullable String tenant, LocalDate from, LocalDate to) {
        return Flux.defer(() -> {
            List<CostBucket> out = new ArrayList<>();
            synchronized (lock) {
                days.subMap(from, true, to, true).forEach((day, buckets) -> buckets.forEach((k, usage) -> {
                    if (tenant == null || tenant.equals(k.tenant())) {
                        out.add(new CostBucket(k.tenant(), day, k.stage(), k.model(), usage));
                    }
                }));
            }
            return Flux.fromIterable(out);
        });
    }

    @Override
    public Flux<SessionCost> sessions(@Nullable String tenant, Instant from, Instant to, int limit) {
        return Flux.defer(() -> {
            List<SessionCost> out = new ArrayList<>();
            synchronized (lock) {
                // values() iteration does not count as access, so it leaves the LRU order alone
                for (SessionTotal s : sessions.values()) {
                    if ((tenant == null || tenant.equals(s.tenant)) && !s.lastAt.isBefore(from)
                            && s.lastAt.isBefore(to)) {
                        out.add(s.snapshot());
                    }
                }
            }
            out.sort(Comparator.comparing(SessionCost::lastAt).reversed());
            return Flux.fromIterable(out.size() > limit ? out.subList(0, limit) : out);
        });
    }

    @Override
    public Mono<SessionCost> session(String tenant, String sessionId) {
        return Mono.fromCallable(() -> {
            synchronized (lock) {
                SessionTotal s = sessions.get(new SessionKey(tenant, sessionId));
                return s == null ? null : s.snapshot();
            }
        });
    }

    @Override
    public Flux<CostEntry> since(Instant from) {
        return Flux.defer(() -> {
            List<CostEntry> out = new ArrayList<>();
            synchronized (lock) {
                for (CostEntry e : entries) {
                    if (!e.at().isBefore(from)) {
                        out.add(e);
                    }
                }
            }
            out.sort(Comparator.comparing(CostEntry::at));
            return Flux.fromIterable(out);
        });
    }

    private record BucketKey(String tenant, StageName stage, String model) {}

    private record SessionKey(String tenant, String sessionId) {}

    /** Accumulate one session's calls; guarded by the ledger's lock. */
    private static final class SessionTotal {
        private final String tenant;
        private final String sessionId;
        private final Map<String, BigDecimal> byStage = new LinkedHashMap<>();
        private Instant firstAt;
        private Instant lastAt;
        private Usage usage = Usage.NONE;

        SessionTotal(CostEntry first) {
            tenant = first.tenant();
            sessionId = first.sessionId();
            firstAt = first.at();
            lastAt = first.at();
            add(first);
        }

        void add(CostEntry e) {
            usage = usage.plus(Usage.of(e));
            byStage.merge(e.stage().id(), e.cost(), BigDecimal::add);
            firstAt = e.at().isBefore(firstAt) ? e.at() : firstAt;
            lastAt = e.at().isAfter(lastAt) ? e.at() : lastAt;
        }

        SessionCost snapshot() {
            return new SessionCost(tenant, sessionId, firstAt, lastAt, usage, byStage);
        }
    }
}
