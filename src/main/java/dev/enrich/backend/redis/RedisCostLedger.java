package dev.enrich.backend.redis;

import dev.enrich.cost.Budgets;
import dev.enrich.cost.CostBucket;
import dev.enrich.cost.CostEntry;
import dev.enrich.cost.CostLedger;
import dev.enrich.cost.CostProperties;
import dev.enrich.cost.PriceTable;
import dev.enrich.cost.Reservation;
import dev.enrich.cost.SessionCost;
import dev.enrich.cost.Usage;
import dev.enrich.pipeline.StageName;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keep the cost ledger in Redis, shared by every replica, with the in-memory adapter's bounds: per-day buckets
 * (tenant × stage × model) expire {@code retainDays} days after their day (by {@code clock}); per-session totals
 * expire {@code retainDays} after their latest charge, and beyond {@code maxSessions} the sessions whose latest call
 * is oldest are dropped; the newest {@code maxEntries} raw entries are kept in a capped list. Key layout and scripts:
 * {@link CostScripts}.
 *
 * <p>Amounts are kept as integer counts of 10<sup>-8</sup> (the price table's scale; a finer amount is rounded up),
 * because Redis adds integers exactly and Lua has doubles only; they read back at that scale. A reservation is held
 * for {@code holdFor} (Redis time), then expires and frees its budget, so a replica that died mid-call does not hold
 * its tenant's budget forever; a call settled after its hold expired is still recorded.
 */
final class RedisCostLedger implements CostLedger {

    /** How long after its hold expired a reservation can still be settled (and its call recorded). */
    private static final Duration SETTLE_GRACE = Duration.ofDays(1);
    private static final String DAYS = RedisKeys.PREFIX + "cost:days";
    private static final String SESSIONS = RedisKeys.PREFIX + "cost:sessions";
    private static final String ENTRIES = RedisKeys.PREFIX + "cost:entries";

    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper json;
    private final Clock clock;
    private final CostProperties.Ledger bounds;
    private final Duration holdFor;

    /**
     * Create the ledger.
     *
     * @throws IllegalArgumentException when {@code holdFor} is not positive
     */
    RedisCostLedger(ReactiveStringRedisTemplate redis, JsonMapper json, Clock clock, CostProperties.Ledger bounds,
            Duration holdFor) {
        if (holdFor.toMillis() <= 0) {
            throw new IllegalArgumentException("holdFor must be > 0, but was " + holdFor);
        }
        this.redis = redis;
        this.json = json;
        this.clock = clock;
        this.bounds = bounds;
        this.holdFor = holdFor;
    }

    @Override
    public Mono<Void> record(CostEntry entry) {
        return Mono.defer(() -> execute(CostScripts.RECORD, tenantKey(entry.tenant(), "holds"), entryArgs(entry)))
                .then();
    }

    @Override
    public Mono<Reservation> reserve(String tenant, LocalDate day, BigDecimal amount, Budgets.Limits limits) {
        if (amount.signum() < 0) {
            return Mono.error(new IllegalArgumentException("amount must be >= 0, but was " + amount));
        }
        long units = units(amount);
        List<String> args = List.of(tenant, day.toString(), YearMonth.from(day).toString(), Long.toString(units),
                Long.toString(limitUnits(limits.daily())), Long.toString(limitUnits(limits.monthly())),
                Long.toString(holdFor.toMillis()), Long.toString(holdFor.plus(SETTLE_GRACE).toMillis()));
        return execute(CostScripts.RESERVE, tenantKey(tenant, "holds"), args).map(id -> {
            if (id == CostScripts.REFUSED_DAILY) {
                return new Reservation.Refused(Reservation.Limit.DAILY);
            }
            if (id == CostScripts.REFUSED_MONTHLY) {
                return new Reservation.Refused(Reservation.Limit.MONTHLY);
            }
            return new Reservation.Held(id, tenant, day, money(units));
        });
    }

    @Override
    public Mono<Void> settle(Reservation.Held reservation, CostEntry entry) {
        return Mono.defer(() -> {
            List<String> args = new ArrayList<>(entryArgs(entry));
            args.add(Long.toString(reservation.id()));
            args.add(reservation.tenant());
            args.add(reservation.id() + "|" + reservation.day() + "|" + units(reservation.amount()));
            return execute(CostScripts.SETTLE, tenantKey(reservation.tenant(), "holds"), args);
        }).then();
    }

    private List<String> entryArgs(CostEntry e) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Instant expires = e.day().plusDays(bounds.retainDays()).atStartOfDay(ZoneOffset.UTC).toInstant();
        long bucketTtl = Duration.between(clock.instant(), expires).toSeconds();
        List<String> args = List.of(e.tenant(), e.sessionId(), e.day().toString(), YearMonth.from(e.day()).toString(),
                e.stage().id(), e.model(), e.failed() ? "1" : "0", Long.toString(e.inputTokens()),
                Long.toString(e.outputTokens()), Double.toString(e.audioSeconds()), Long.toString(e.latencyMillis()),
                Long.toString(units(e.cost())), RedisKeys.score(e.at()), json.writeValueAsString(e),
                Long.toString(bucketTtl), Long.toString(e.day().toEpochDay()),
                Long.toString(today.minusDays(bounds.retainDays() - 1L).toEpochDay()),
                Integer.toString(bounds.maxEntries()), Integer.toString(bounds.maxSessions()),
                Long.toString(Duration.ofDays(bounds.retainDays()).toSeconds()));
        assert args.size() == CostScripts.ENTRY_ARGS;
        return args;
    }

    @Override
    public Flux<CostBucket> buckets(@Nullable String tenant, LocalDate from, LocalDate to) {
        String index = tenant == null ? DAYS : tenantKey(tenant, "days");
        return execute(CostScripts.DAYS, index, List.of(Long.toString(from.toEpochDay()),
                Long.toString(to.toEpochDay()))).flatMapIterable(days -> days).concatMapIterable(RedisCostLedger::buckets);
    }

    private static List<CostBucket> buckets(List<String> flat) {
        Map<String, String> hash = hash(flat);
        String tenant = hash.get("tenant");
        LocalDate day = LocalDate.parse(hash.get("day"));
        Map<String, Map<String, String>> byBucket = new LinkedHashMap<>();
        hash.forEach((field, value) -> {
            String[] parts = field.split("\\|", 3);
            if (parts.length == 3) {
                byBucket.computeIfAbsent(parts[1] + "|" + parts[2], k -> new HashMap<>()).put(parts[0], value);
            }
        });
        List<CostBucket> out = new ArrayList<>(byBucket.size());
        byBucket.forEach((bucket, fields) -> {
            String[] stageAndModel = bucket.split("\\|", 2);
            out.add(new CostBucket(tenant, day, stage(stageAndModel[0]), stageAndModel[1], usage(fields)));
        });
        return out;
    }

    @Override
    public Flux<SessionCost> sessions(@Nullable String tenant, Instant from, Instant to, int limit) {
        if (limit <= 0) {
            return Flux.empty();
        }
        String index = tenant == null ? SESSIONS : tenantKey(tenant, "sessions");
        return execute(CostScripts.SESSIONS, index,
                List.of(RedisKeys.score(from), RedisKeys.score(to), Integer.toString(limit)))
                .flatMapIterable(sessions -> sessions)
                .map(flat -> session(hash(flat)));
    }

    @Override
    public Mono<SessionCost> session(String tenant, String sessionId) {
        return redis.<String, String>opsForHash().entries(tenantKey(tenant, "session:" + sessionId))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .filter(hash -> !hash.isEmpty())
                .map(RedisCostLedger::session);
    }

    private static SessionCost session(Map<String, String> hash) {
        Map<String, BigDecimal> byStage = new LinkedHashMap<>();
        hash.forEach((field, value) -> {
            if (field.startsWith("stage|")) {
                byStage.put(field.substring("stage|".length()), money(Long.parseLong(value)));
            }
        });
        return new SessionCost(hash.get("tenant"), hash.get("session"), instant(hash.get("first")),
                instant(hash.get("last")), usage(hash), byStage);
    }

    @Override
    public Flux<CostEntry> since(Instant from) {
        return redis.opsForList().range(ENTRIES, 0, -1)
                .map(text -> json.readValue(text, CostEntry.class))
                .filter(e -> !e.at().isBefore(from))
                .sort(Comparator.comparing(CostEntry::at));
    }

    /**
     * Run a script on the caller's thread: Lettuce never blocks it once the shared connection is open (the queue
     * opens it at start-up). Not moved to another thread: a cancelled subscribeOn interrupts its worker, and an
     * interrupt inside Lettuce's endpoint lock can wedge the connection for good (lettuce#3880).
     */
    private <T> Mono<T> execute(RedisScript<T> script, String key, List<String> args) {
        return redis.execute(script, List.of(key), args).single();
    }

    private static String tenantKey(String tenant, String name) {
        return RedisKeys.PREFIX + "{tenant:" + tenant + "}:cost:" + name;
    }

    private static Map<String, String> hash(List<String> flat) {
        Map<String, String> hash = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            hash.put(flat.get(i), flat.get(i + 1));
        }
        return hash;
    }

    private static Usage usage(Map<String, String> fields) {
        return new Usage(count(fields, "calls"), count(fields, "failures"), count(fields, "in"),
                count(fields, "out"), Double.parseDouble(fields.getOrDefault("audio", "0")),
                count(fields, "latency"), money(count(fields, "cost")));
    }

    private static long count(Map<String, String> fields, String name) {
        return Long.parseLong(fields.getOrDefault(name, "0"));
    }

    private static StageName stage(String id) {
        return StageName.parse(id).orElseThrow(() -> new IllegalStateException("unknown stage in the ledger: " + id));
    }

    private static Instant instant(String micros) {
        long us = Long.parseLong(micros);
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000);
    }

    /** Return an amount in units of 10^-8, rounded up. */
    private static long units(BigDecimal amount) {
        return amount.setScale(PriceTable.SCALE, RoundingMode.UP).unscaledValue().longValueExact();
    }

    /** Return a limit in units of 10^-8, rounded down; one beyond what a long holds is as good as none. */
    private static long limitUnits(BigDecimal limit) {
        BigInteger units = limit.setScale(PriceTable.SCALE, RoundingMode.DOWN).unscaledValue();
        return units.bitLength() < Long.SIZE ? units.longValue() : Long.MAX_VALUE;
    }

    private static BigDecimal money(long units) {
        return BigDecimal.valueOf(units, PriceTable.SCALE);
    }
}
