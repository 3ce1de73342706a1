package dev.enrich.cost;

import java.time.YearMonth;

/**
 * Hold one tenant's usage in one UTC month.
 *
 * @param tenant the tenant
 * @param month the month
 * @param usage the summed usage
 */
public record MonthlyCost(String tenant, YearMonth month, Usage usage) {}
