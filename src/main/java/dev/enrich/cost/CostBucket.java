package dev.enrich.cost;

import dev.enrich.pipeline.StageName;
import java.time.LocalDate;

/**
 * Hold what one tenant's calls of one stage on one model used on one UTC day: the unit ledgers aggregate into.
 *
 * @param tenant the tenant
 * @param day the UTC day
 * @param stage the stage
 * @param model the model
 * @param usage the summed usage
 */
public record CostBucket(String tenant, LocalDate day, StageName stage, String model, Usage usage) {}
