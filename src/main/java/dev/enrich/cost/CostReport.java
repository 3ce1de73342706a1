package dev.enrich.cost;

import dev.enrich.pipeline.StageName;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Report AI spend to administrators: the only place money leaves the backend.
 *
 * @param currency ISO 4217 code of every amount
 * @param tenant the tenant reported on; {@code null} for all tenants
 * @param from first UTC day covered
 * @param to last UTC day covered
 * @param generatedAt when the report was made
 * @param total usage over the days covered
 * @param sessions per-session totals of sessions whose latest call fell in the days covered, most recent first
 *     (at most {@link CostReporter#MAX_SESSIONS})
 * @param daily per-tenant daily aggregates
 * @param monthly per-tenant monthly aggregates of the whole months the days touch
 * @param topStages stages by cost, highest first
 * @param topModels models by cost, highest first
 * @param budgets limits and current spend of each tenant in the report
 * @param hints optimisation hints as of now
 */
public record CostReport(String currency, @Nullable String tenant, LocalDate from, LocalDate to, Instant generatedAt,
        Usage total, List<SessionCost> sessions, List<DailyCost> daily, List<MonthlyCost> monthly,
        List<StageUsage> topStages, List<ModelUsage> topModels, List<Budgets.Status> budgets,
        List<CostHint> hints) {

    public CostReport {
        sessions = List.copyOf(sessions);
        daily = List.copyOf(daily);
        monthly = List.copyOf(monthly);
        topStages = List.copyOf(topStages);
        topModels = List.copyOf(topModels);
        budgets = List.copyOf(budgets);
        hints = List.copyOf(hints);
    }

    /**
     * Hold one stage's usage.
     *
     * @param stage the stage
     * @param usage its usage
     */
    public record StageUsage(StageName stage, Usage usage) {}

    /**
     * Hold one model's usage.
     *
     * @param model the model
     * @param usage its usage
     */
    public record ModelUsage(String model, Usage usage) {}
}
