package dev.enrich.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * Hold the totals of one session's AI calls.
 *
 * @param tenant the tenant
 * @param sessionId the session
 * @param firstAt when its first call started
 * @param lastAt when its latest call started
 * @param usage the summed usage of all its calls
 * @param costByStage cost per stage, keyed by stage id (e.g. {@code "summary"})
 */
public record SessionCost(String tenant, String sessionId, Instant firstAt, Instant lastAt, Usage usage,
        Map<String, BigDecimal> costByStage) {

    public SessionCost {
        costByStage = Map.copyOf(costByStage);
    }
}
