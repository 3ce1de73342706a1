package dev.enrich.cost;

import static reactor.function.TupleUtils.function;

import dev.enrich.pipeline.StageName;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Derive simple, documented optimisation hints from the ledger.
 *
 * <ul>
 *   <li>{@link CostHint.Type#STAGE_GROWTH}: sessions are put in a 7-day window by their latest call; per window the
 *       cost per session of a stage is its cost over all sessions of the window that made AI calls. The stage with
 *       the largest relative growth (last 7 days against the 7 before) is reported when it grew and both windows
 *       hold at least {@code minCalls} sessions. Stages without spend in the earlier window are not compared.
 *   <li>{@link CostHint.Type#SMALLER_MODEL}: successful chat calls of the last 7 days, grouped by stage and model;
 *       a group of at least {@code minCalls} calls whose replies average at most {@code smallOutputTokens} tokens is
 *       reported when the cheapest configured token-priced model would have cost at most half as much for the same
 *       tokens. Such short replies (titles, labels, yes/no checks) rarely need the bigger model.
 * </ul>
 *
 * <p>Both read only what the ledger still holds (its session and raw entry bounds).
 */
public final class CostHints {

    private static final Duration WEEK = Duration.ofDays(7);
    private static final int SESSION_SCAN = 100_000;

    private final PriceTable prices;
    private final CostProperties.Hints settings;

    /** Create hints priced by {@code prices}, with the thresholds of {@code settings}. */
    public CostHints(PriceTable prices, CostProperties.Hints settings) {
        this.prices = prices;
        this.settings = settings;
    }

    /** Return the hints for one tenant ({@code null}: all tenants) as of {@code now}, biggest first. */
    public Mono<List<CostHint>> hints(CostLedger ledger, @Nullable String tenant, Instant now) {
        Instant weekAgo = now.minus(WEEK);
        Mono<Optional<CostHint>> growth = ledger.sessions(tenant, weekAgo.minus(WEEK), now, SESSION_SCAN)
                .collectList().map(s -> stageGrowth(s, weekAgo));
        Mono<List<CostHint>> smaller = ledger.since(weekAgo)
                .filter(e -> tenant == null || tenant.equals(e.tenant()))
                .collectList().map(this::smallerModels);
        return Mono.zip(growth, smaller).map(function((stage, models) -> {
            List<CostHint> all = new ArrayList<>();
            stage.ifPresent(all::add);
            all.addAll(models);
            return List.copyOf(all);
        }));
    }

    Optional<CostHint> stageGrowth(List<SessionCost> sessions, Instant weekAgo) {
        Window previous = new Window();
        Window last = new Window();
        for (SessionCost s : sessions) {
            (s.lastAt().isBefore(weekAgo) ? previous : last).add(s);
        }
        if (previous.sessions < settings.minCalls() || last.sessions < settings.minCalls()) {
            return Optional.empty();
        }
        CostHint best = null;
        BigDecimal bestGrowth = BigDecimal.ZERO;
        for (StageName stage : StageName.values()) {
            BigDecimal before = previous.perSession(stage);
            BigDecimal after = last.perSession(stage);
            if (before.signum() == 0) {
                continue;
            }
            BigDecimal growth = after.subtract(before).divide(before, 4, RoundingMode.HALF_UP);
            if (growth.compareTo(bestGrowth) > 0) {
                bestGrowth = growth;
                best = new CostHint(CostHint.Type.STAGE_GROWTH, stage, null, null, before, after,
                        "Cost per session of the " + stage.id() + " stage grew "
                                + growth.movePointRight(2).setScale(0, RoundingMode.HALF_UP).toPlainString()
                                + "% (last 7 days against the 7 days before).");
            }
        }
        return Optional.ofNullable(best);
    }

    List<CostHint> smallerModels(List<CostEntry> entries) {
        Map<Group, Usage> groups = new HashMap<>();
        for (CostEntry e : entries) {
            if (e.kind() == CostEntry.Kind.CHAT && !e.failed()) {
                groups.merge(new Group(e.stage(), e.model()), Usage.of(e), Usage::plus);
            }
        }
        List<CostHint> hints = new ArrayList<>();
        groups.forEach((group, usage) -> {
            if (usage.calls() < settings.minCalls() || usage.cost().signum() == 0
                    || usage.outputTokens() > (long) settings.smallOutputTokens() * usage.calls()) {
                return;
            }
            cheapest(group.model(), usage).ifPresent(candidate -> {
                BigDecimal estimate = PriceTable.tokens(candidate.getValue(), usage.inputTokens(),
                        usage.outputTokens());
                if (estimate.multiply(BigDecimal.valueOf(2)).compareTo(usage.cost()) <= 0) {
                    hints.add(new CostHint(CostHint.Type.SMALLER_MODEL, group.stage(), group.model(),
                            candidate.getKey(), usage.cost(), estimate,
                            usage.calls() + " " + group.stage().id() + " chat calls on " + group.model()
                                    + " averaged " + usage.outputTokens() / usage.calls()
                                    + " output tokens; " + candidate.getKey() + " may do for them."));
                }
            });
        });
        hints.sort(Comparator.comparing((CostHint h) -> h.before().subtract(h.after())).reversed());
        return hints;
    }

    private Optional<Map.Entry<String, CostProperties.Price>> cheapest(String model, Usage usage) {
        return prices.prices().entrySet().stream()
                .filter(e -> e.getValue().tokenPriced() && !e.getKey().equalsIgnoreCase(model))
                .min(Comparator.comparing(
                        (Map.Entry<String, CostProperties.Price> e) ->
                                PriceTable.tokens(e.getValue(), usage.inputTokens(), usage.outputTokens()))
                        .thenComparing(Map.Entry::getKey));
    }

    private record Group(StageName stage, String model) {}

    /** Sum stage cost over the sessions of one window. */
    private static final class Window {
        private final Map<StageName, BigDecimal> cost = new EnumMap<>(StageName.class);
        private int sessions;

        void add(SessionCost s) {
            sessions++;
            s.costByStage().forEach((id, c) -> StageName.parse(id).ifPresent(st -> cost.merge(st, c, BigDecimal::add)));
        }

        BigDecimal perSession(StageName stage) {
            return cost.getOrDefault(stage, BigDecimal.ZERO)
                    .divide(BigDecimal.valueOf(sessions), PriceTable.SCALE, RoundingMode.HALF_UP);
        }
    }
}
