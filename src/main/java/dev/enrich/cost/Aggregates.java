package dev.enrich.cost;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/** Roll ledger buckets up into daily, monthly and top-N aggregates. */
final class Aggregates {

    private Aggregates() {}

    static Flux<DailyCost> daily(Flux<CostBucket> buckets) {
        return buckets.collectList().flatMapIterable(Aggregates::daily);
    }

    static Flux<MonthlyCost> monthly(Flux<CostBucket> buckets) {
        return buckets.collectList().flatMapIterable(Aggregates::monthly);
    }

    /** Return per-tenant daily sums, ordered by tenant then day. */
    static List<DailyCost> daily(List<CostBucket> buckets) {
        Map<DayKey, Usage> sums = new TreeMap<>();
        buckets.forEach(b -> sums.merge(new DayKey(b.tenant(), b.day()), b.usage(), Usage::plus));
        return sums.entrySet().stream()
                .map(e -> new DailyCost(e.getKey().tenant(), e.getKey().day(), e.getValue())).toList();
    }

    /** Return per-tenant monthly sums, ordered by tenant then month. */
    static List<MonthlyCost> monthly(List<CostBucket> buckets) {
        Map<MonthKey, Usage> sums = new TreeMap<>();
        buckets.forEach(b -> sums.merge(new MonthKey(b.tenant(), YearMonth.from(b.day())), b.usage(), Usage::plus));
        return sums.entrySet().stream()
                .map(e -> new MonthlyCost(e.getKey().tenant(), e.getKey().month(), e.getValue())).toList();
    }

    static Usage sum(List<CostBucket> buckets) {
        return buckets.stream().map(CostBucket::usage).reduce(Usage.NONE, Usage::plus);
    }

    /** Return the {@code limit} keys with the highest cost, e.g. the most expensive stages. */
    static <K> List<Ranked<K>> top(List<CostBucket> buckets, Function<CostBucket, K> key, int limit) {
        Map<K, Usage> sums = new HashMap<>();
        for (CostBucket b : buckets) {
            sums.merge(key.apply(b), b.usage(), Usage::plus);
        }
        return sums.entrySet().stream()
                .map(e -> new Ranked<>(e.getKey(), e.getValue()))
                .sorted(Comparator.comparing((Ranked<K> r) -> r.usage().cost()).reversed()
                        .thenComparing(r -> String.valueOf(r.key())))
                .limit(limit)
                .toList();
    }

    record Ranked<K>(K key, Usage usage) {}

    private record DayKey(String tenant, LocalDate day) implements Comparable<DayKey> {
        @Override
        public int compareTo(DayKey o) {
            int c = tenant.compareTo(o.tenant);
            return c != 0 ? c : day.compareTo(o.day);
        }
    }

    private record MonthKey(String tenant, YearMonth month) implements Comparable<MonthKey> {
        @Override
        public int compareTo(MonthKey o) {
            int c = tenant.compareTo(o.tenant);
            return c != 0 ? c : month.compareTo(o.month);
        }
    }
}
