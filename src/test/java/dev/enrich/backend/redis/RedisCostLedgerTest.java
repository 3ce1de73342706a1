package dev.enrich.backend.redis;

import static dev.enrich.cost.CostEntries.chat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.CostLedgerContract;
import dev.enrich.cost.CostEntry;
import dev.enrich.cost.CostLedger;
import dev.enrich.cost.CostProperties;
import dev.enrich.cost.Reservation;
import dev.enrich.cost.SessionCost;
import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Json;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The Redis CostLedger keeps the port's contract against a real redis-server; two replicas share one budget, a dead
 * holder's reservation expires, and the ledger survives a Redis crash with AOF on.
 */
class RedisCostLedgerTest extends CostLedgerContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    /** The day the ledger thinks it is: retention counts from here, as the in-memory one counts from its newest day. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-02T12:00:00Z"), ZoneOffset.UTC);
    private static final LocalDate DAY = LocalDate.parse("2025-03-01");

    @Override
    protected CostLedger ledger(int maxEntries, int maxSessions, int retainDays) {
        return new RedisCostLedger(REDIS.template(), Json.mapper(), CLOCK,
                new CostProperties.Ledger(maxEntries, maxSessions, retainDays), Duration.ofMinutes(15));
    }

    private static RedisCostLedger ledger(ReactiveStringRedisTemplate redis, Duration holdFor) {
        return new RedisCostLedger(redis, Json.mapper(), CLOCK, new CostProperties.Ledger(100, 100, 400), holdFor);
    }

    @Test
    void twoReplicasReservingConcurrentlyNeverPassTheLimit() {
        // two connection factories, as two processes would hold
        List<CostLedger> replicas = List.of(ledger(REDIS.template(), Duration.ofMinutes(15)),
                ledger(REDIS.otherTemplate(), Duration.ofMinutes(15)));
        List<Reservation> all = Flux.range(0, 1_000)
                .flatMap(i -> replicas.get(i % 2).reserve("acme", DAY, new BigDecimal("0.01"), ONE_A_DAY_TEN_A_MONTH)
                        .subscribeOn(Schedulers.parallel()))
                .collectList().block(WAIT);

        assertThat(all).filteredOn(Reservation.Held.class::isInstance).hasSize(100)
                .extracting(r -> ((Reservation.Held) r).id()).doesNotHaveDuplicates();
        assertThat(all).filteredOn(Reservation.Refused.class::isInstance).hasSize(900);
    }

    @Test
    void settlementsOnTwoReplicasCountOnceAndKeepTheBudget() {
        CostLedger a = ledger(REDIS.template(), Duration.ofMinutes(15));
        CostLedger b = ledger(REDIS.otherTemplate(), Duration.ofMinutes(15));
        List<Reservation.Held> held = Flux.range(0, 10)
                .concatMap(i -> a.reserve("acme", DAY, new BigDecimal("0.10"), ONE_A_DAY_TEN_A_MONTH))
                .cast(Reservation.Held.class).collectList().block(WAIT);
        // every reservation settled on both replicas at once: only the first settlement of each counts
        Flux.fromIterable(held).flatMap(h -> {
            CostEntry real = chat("acme", "s" + h.id(), StageName.SUMMARY, "m", "0.05", "2025-03-01T10:00:00Z");
            return Flux.merge(a.settle(h, real).subscribeOn(Schedulers.parallel()),
                    b.settle(h, real).subscribeOn(Schedulers.parallel()));
        }).blockLast(WAIT);

        assertThat(b.total("acme", DAY, DAY).block(WAIT)).isEqualByComparingTo("0.50");
        assertThat(b.since(Instant.EPOCH).collectList().block(WAIT)).hasSize(10);
        assertThat(b.reserve("acme", DAY, new BigDecimal("0.50"), ONE_A_DAY_TEN_A_MONTH).block(WAIT))
                .isInstanceOf(Reservation.Held.class);
        assertThat(a.reserve("acme", DAY, new BigDecimal("0.01"), ONE_A_DAY_TEN_A_MONTH).block(WAIT))
                .isEqualTo(new Reservation.Refused(Reservation.Limit.DAILY));
    }

    @Test
    void theReservationOfADeadHolderExpiresAndFreesTheBudget() {
        RedisCostLedger ledger = ledger(REDIS.template(), Duration.ofMillis(300));
        Reservation.Held dead = (Reservation.Held) ledger.reserve("acme", DAY, BigDecimal.ONE, ONE_A_DAY_TEN_A_MONTH)
                .block(WAIT);
        assertThat(ledger.reserve("acme", DAY, new BigDecimal("0.01"), ONE_A_DAY_TEN_A_MONTH).block(WAIT))
                .isEqualTo(new Reservation.Refused(Reservation.Limit.DAILY));

        Awaitility.await("the dead holder's reservation expired").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> ledger.reserve("acme", DAY, new BigDecimal("0.40"), ONE_A_DAY_TEN_A_MONTH).block(WAIT)
                        instanceof Reservation.Held);

        // a holder that was only slow still gets its call recorded, once
        CostEntry late = chat("acme", "s1", StageName.SUMMARY, "m", "0.60", "2025-03-01T10:00:00Z");
        ledger.settle(dead, late).block(WAIT);
        ledger.settle(dead, late).block(WAIT);
        assertThat(ledger.total("acme", DAY, DAY).block(WAIT)).isEqualByComparingTo("0.60");
        assertThat(ledger.reserve("acme", DAY, new BigDecimal("0.01"), ONE_A_DAY_TEN_A_MONTH).block(WAIT))
                .as("0.60 spent and 0.40 held")
                .isEqualTo(new Reservation.Refused(Reservation.Limit.DAILY));
    }

    @Test
    void theLedgerAndOutstandingReservationsSurviveARedisCrashWithAppendOnlyOn() {
        RedisCostLedger ledger = ledger(REDIS.template(), Duration.ofMinutes(15));
        record(chat("acme", "s1", StageName.SUMMARY, "m", "0.30", "2025-03-01T10:00:00Z"),
                chat("acme", "s1", StageName.CANVAS, "n", "0.20", "2025-03-01T11:00:00Z"));
        Reservation.Held held = (Reservation.Held) ledger.reserve("acme", DAY, new BigDecimal("0.50"),
                ONE_A_DAY_TEN_A_MONTH).block(WAIT);

        REDIS.server().kill();
        REDIS.server().restart();

        // Lettuce reconnects by itself; until it has, a call may time out.
        Awaitility.await("the ledger read back after the restart").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .untilAsserted(() -> assertThat(ledger.total("acme", DAY, DAY).block(WAIT))
                        .isEqualByComparingTo("0.50"));
        SessionCost s1 = ledger.session("acme", "s1").block(WAIT);
        assertThat(s1.usage().calls()).isEqualTo(2);
        assertThat(ledger.since(Instant.EPOCH).collectList().block(WAIT)).hasSize(2);
        assertThat(ledger.reserve("acme", DAY, new BigDecimal("0.01"), ONE_A_DAY_TEN_A_MONTH).block(WAIT))
                .as("the reservation held before the crash still counts")
                .isEqualTo(new Reservation.Refused(Reservation.Limit.DAILY));
        ledger.settle(held, chat("acme", "s2", StageName.SUMMARY, "m", "0.10", "2025-03-01T12:00:00Z")).block(WAIT);
        assertThat(ledger.total("acme", DAY, DAY).block(WAIT)).isEqualByComparingTo("0.60");
    }
}
