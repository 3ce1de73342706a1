package dev.enrich.cost;

import java.time.LocalDate;

/**
 * Hold one tenant's usage on one UTC day.
 *
 * @param tenant the tenant
 * @param day the UTC day
 * @param usage the summed usage
 */
public record DailyCost(String tenant, LocalDate day, Usage usage) {}
