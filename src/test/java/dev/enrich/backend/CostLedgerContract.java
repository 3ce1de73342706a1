package dev.enrich.backend;

import static dev.enrich.cost.CostEntries.chat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.cost.Budgets;
import dev.enrich.cost.CostLedger;
import dev.enrich.cost.CostBucket;
import dev.enrich.cost.CostEntry;
import dev.enrich.cost.DailyCost;
import dev.enrich.cost.MonthlyCost;
import dev.enrich.cost.Reservation;
import dev.enrich.cost.SessionCost;
import dev.enrich.pipeline.StageName;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** What every {@link CostLedger} does; each backend runs it against its adapter. */
public abstract class CostLedgerContract {

    protected static final Duration WAIT = Duration.ofSeconds(10);

    protected CostLedger ledger;

    /** Return an empty ledger with these bounds. */
    protected abstract CostLedger ledger(int maxEntries, int maxSessions, int retainDays);

    @BeforeEach
    void emptyLedger() {
        ledger = ledger(100, 100, 400);
    }

    protected void record(CostEntry... entries) {
        Flux.fromArray(entries).concatMap(ledger::record).blockLast(WAIT);
    }

    @Test
    void aggregatesPerSessionDayAndMonthAcrossAMonthBoundary() {
        record(chat("acme", "s1", StageName.SUMMARY, "m", "0.10", "2025-01-31T23:59:00Z"),
                chat("acme", "s1", StageName.CANVAS, "m", "0.05", "2025-02-01T00:01:00Z"),
                chat("acme", "s2", StageName.SUMMARY, "m", "0.20", "2025-02-01T10:00:00Z"),
                chat("other", "s3", StageName.SUMMARY, "m", "1.00", "2025-02-01T10:00:00Z"));

        SessionCost s1 = ledger.session("acme", "s1").block(WAIT);
        assertThat(s1.usage().cost()).isEqualByComparingTo("0.15");
        assertThat(s1.usage().calls()).isEqualTo(2);
        assertThat(s1.costByStage()).containsOnlyKeys("summary", "canvas");
        assertThat(s1.firstAt()).isEqualTo(Instant.parse("2025-01-31T23:59:00Z"));
        assertThat(s1.lastAt()).isEqualTo(Instant.parse("2025-02-01T00:01:00Z"));

        List<DailyCost> daily = ledger.daily("acme", LocalDate.parse("2025-01-01"), LocalDate.parse("2025-02-28"))
                .collectList().block(WAIT);
        assertThat(daily).extracting(DailyCost::day)
                .containsExactly(LocalDate.parse("2025-01-31"), LocalDate.parse("2025-02-01"));
        assertThat(daily.get(1).usage().cost()).isEqualByComparingTo("0.25");

        List<MonthlyCost> monthly = ledger.monthly(null, YearMonth.parse("2025-01"), YearMonth.parse("2025-02"))
                .collectList().block(WAIT);
        assertThat(monthly).extracting(m -> m.tenant() + " " + m.month() + " " + m.usage().cost().setScale(2, RoundingMode.UNNECESSARY).toPlainString())
                .containsExactly("acme 2025-01 0.10", "acme 2025-02 0.25", "other 2025-02 1.00");
        assertThat(ledger.total("acme", LocalDate.parse("2025-02-01"), LocalDate.parse("2025-02-01")).block(WAIT))
                .isEqualByComparingTo("0.25");
        assertThat(ledger.total("acme", LocalDate.parse("2025-01-01"), LocalDate.parse("2025-02-28")).block(WAIT))
                .isEqualByComparingTo("0.35");
        assertThat(ledger.total("nobody", LocalDate.parse("2025-01-01"), LocalDate.parse("2025-02-28")).block(WAIT))
                .isEqualByComparingTo("0");
    }

    @Test
    void sumsCallsOfOneDayStageAndModelIntoOneBucket() {
        record(chat("acme", "s1", StageName.SUMMARY, "m", "0.10", "2025-03-01T08:00:00Z"),
                chat("acme", "s2", StageName.SUMMARY, "m", "0.10", "2025-03-01T09:00:00Z"),
                chat("acme", "s2", StageName.SUMMARY, "n", "0.10", "2025-03-01T09:00:00Z"));
        List<CostBucket> buckets = ledger.buckets("acme", LocalDate.parse("2025-03-01"),
                LocalDate.parse("2025-03-01")).collectList().block(WAIT);
        assertThat(buckets).hasSize(2);
        assertThat(buckets).filteredOn(b -> b.model().equals("m")).singleElement()
                .satisfies(b -> assertThat(b.usage().calls()).isEqualTo(2))
                .satisfies(b -> assertThat(b.usage().inputTokens()).isEqualTo(2_000));
    }

    @Test
    void keepsAtMostTheConfiguredEntriesSessionsAndDays() {
        CostLedger small = ledger(2, 2, 62);
        Flux.just(chat("t", "a", StageName.SUMMARY, "m", "1", "2024-12-01T00:00:00Z"),
                chat("t", "b", StageName.SUMMARY, "m", "1", "2025-03-01T00:00:00Z"),
                chat("t", "c", StageName.SUMMARY, "m", "1", "2025-03-02T00:00:00Z"))
                .concatMap(small::record).blockLast(WAIT);
        assertThat(small.since(Instant.EPOCH).collectList().block(WAIT)).extracting(CostEntry::sessionId)
                .containsExactly("b", "c");
        assertThat(small.session("t", "a").blockOptional(WAIT)).isEmpty();
        assertThat(small.sessions(null, Instant.EPOCH, Instant.parse("2030-01-01T00:00:00Z"), 10)
                .collectList().block(WAIT)).extracting(SessionCost::sessionId).containsExactly("c", "b");
        // 2024-12-01 is more than 62 days before the newest day, so its bucket is gone
        assertThat(small.total("t", LocalDate.parse("2024-11-01"), LocalDate.parse("2025-03-31")).block(WAIT))
                .isEqualByComparingTo("2");
    }

    @Test
    void returnsTheRawEntriesWholeOldestFirstFromAnInstant() {
        CostEntry audio = new CostEntry("acme", "s1", "j1", StageName.AUDIO, "whisper-1",
                CostEntry.Kind.TRANSCRIPTION, 0, 0, 12.5, 900, new BigDecimal("0.00125000"),
                Instant.parse("2025-03-01T10:00:00.123456Z"), false);
        CostEntry failed = new CostEntry("acme", "s1", "j1", StageName.SUMMARY, "llama3.1:8b|x", CostEntry.Kind.CHAT,
                0, 0, 0, 40, BigDecimal.ZERO, Instant.parse("2025-03-01T09:00:00Z"), true);
        CostEntry early = chat("acme", "s0", StageName.SUMMARY, "m", "0.10", "2025-02-01T00:00:00Z");
        record(audio, failed, early);

        assertThat(ledger.since(Instant.parse("2025-03-01T00:00:00Z")).collectList().block(WAIT))
                .containsExactly(failed, audio);
        CostBucket bucket = ledger.buckets("acme", LocalDate.parse("2025-03-01"), LocalDate.parse("2025-03-01"))
                .filter(b -> b.stage() == StageName.SUMMARY).single().block(WAIT);
        assertThat(bucket.model()).isEqualTo("llama3.1:8b|x");
        assertThat(bucket.usage().failures()).isEqualTo(1);
        SessionCost s1 = ledger.session("acme", "s1").block(WAIT);
        assertThat(s1.usage().audioSeconds()).isEqualTo(12.5);
        assertThat(s1.usage().latencyMillis()).isEqualTo(940);
        assertThat(s1.costByStage().get("audio")).isEqualByComparingTo("0.00125");
        assertThat(s1.costByStage().get("summary")).isEqualByComparingTo("0");
        assertThat(s1.firstAt()).isEqualTo(failed.at());
        assertThat(s1.lastAt()).isEqualTo(audio.at());
    }

    @Test
    void listsSessionsOfATimeRangeMostRecentFirstUpToTheLimit() {
        record(chat("acme", "old", StageName.AUDIO, "w", "0.01", "2025-01-01T00:00:00Z"),
                chat("acme", "s1", StageName.AUDIO, "w", "0.01", "2025-01-10T00:00:00Z"),
                chat("acme", "s2", StageName.AUDIO, "w", "0.01", "2025-01-11T00:00:00Z"),
                chat("beta", "s3", StageName.AUDIO, "w", "0.01", "2025-01-12T00:00:00Z"));
        assertThat(ledger.sessions("acme", Instant.parse("2025-01-05T00:00:00Z"),
                Instant.parse("2025-02-01T00:00:00Z"), 10).collectList().block(WAIT))
                .extracting(SessionCost::sessionId).containsExactly("s2", "s1");
        assertThat(ledger.sessions(null, Instant.EPOCH, Instant.parse("2025-02-01T00:00:00Z"), 1)
                .collectList().block(WAIT)).extracting(SessionCost::sessionId).containsExactly("s3");
    }

    protected static final Budgets.Limits ONE_A_DAY_TEN_A_MONTH = new Budgets.Limits(BigDecimal.ONE, BigDecimal.TEN);

    protected Reservation reserve(String tenant, String day, String amount) {
        return ledger.reserve(tenant, LocalDate.parse(day), new BigDecimal(amount), ONE_A_DAY_TEN_A_MONTH).block(WAIT);
    }

    @Test
    void holdsReservationsAtomicallyUnderContention() {
        List<Reservation> all = Flux.range(0, 2_000)
                .flatMap(i -> ledger.reserve("acme", LocalDate.parse("2025-03-01"), new BigDecimal("0.01"),
                        ONE_A_DAY_TEN_A_MONTH).subscribeOn(Schedulers.parallel()))
                .collectList().block(WAIT);
        assertThat(all).filteredOn(Reservation.Held.class::isInstance).hasSize(100);
        assertThat(all).filteredOn(Reservation.Refused.class::isInstance).hasSize(1_900)
                .allSatisfy(r -> assertThat(((Reservation.Refused) r).limit()).isEqualTo(Reservation.Limit.DAILY));
    }

    @Test
    void settlesOnceAtTheRealCostAndCountsReservationsOfEarlierDaysInTheMonth() {
        Reservation.Held held = (Reservation.Held) reserve("acme", "2025-03-01", "0.60");
        assertThat(reserve("acme", "2025-03-01", "0.50")).isEqualTo(new Reservation.Refused(Reservation.Limit.DAILY));
        assertThat(reserve("beta", "2025-03-01", "0.50")).isInstanceOf(Reservation.Held.class);

        CostEntry real = chat("acme", "s1", StageName.SUMMARY, "m", "0.70", "2025-03-01T10:00:00Z");
        ledger.settle(held, real).block(WAIT);
        ledger.settle(held, real).block(WAIT);
        assertThat(ledger.total("acme", LocalDate.parse("2025-03-01"), LocalDate.parse("2025-03-01")).block(WAIT))
                .isEqualByComparingTo("0.70");
        assertThat(reserve("acme", "2025-03-01", "0.30")).isInstanceOf(Reservation.Held.class);
        assertThat(reserve("acme", "2025-03-01", "0")).isEqualTo(new Reservation.Refused(Reservation.Limit.DAILY));

        // a new day, but the month holds 0.70 spent, 0.30 reserved and these
        for (int day = 2; day <= 10; day++) {
            assertThat(reserve("acme", "2025-03-%02d".formatted(day), "1.00")).isInstanceOf(Reservation.Held.class);
        }
        assertThat(reserve("acme", "2025-03-11", "0.01"))
                .isEqualTo(new Reservation.Refused(Reservation.Limit.MONTHLY));
        assertThat(reserve("acme", "2025-04-01", "1.00")).isInstanceOf(Reservation.Held.class);
    }

    @Test
    void refusesEverythingUnderAZeroLimit() {
        assertThat(ledger.reserve("acme", LocalDate.parse("2025-03-01"), BigDecimal.ZERO,
                new Budgets.Limits(BigDecimal.ZERO, BigDecimal.TEN)).block(WAIT))
                .isEqualTo(new Reservation.Refused(Reservation.Limit.DAILY));
    }
}
