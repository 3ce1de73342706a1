package dev.enrich.cost;

import java.math.BigDecimal;

/**
 * Sum up what a set of AI calls used and cost.
 *
 * @param calls calls made, failed ones included
 * @param failures calls that failed or were cancelled (counted at zero cost)
 * @param inputTokens prompt tokens
 * @param outputTokens completion tokens
 * @param audioSeconds seconds of audio transcribed
 * @param latencyMillis summed latency of all calls
 * @param cost summed cost in the price table's currency
 */
public record Usage(long calls, long failures, long inputTokens, long outputTokens, double audioSeconds,
        long latencyMillis, BigDecimal cost) {

    /** Nothing used. */
    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0, BigDecimal.ZERO);

    /** Return the usage of one recorded call. */
    public static Usage of(CostEntry e) {
        return new Usage(1, e.failed() ? 1 : 0, e.inputTokens(), e.outputTokens(), e.audioSeconds(),
                e.latencyMillis(), e.cost());
    }

    /** Return the sum of this and {@code other}. */
    public Usage plus(Usage other) {
        return new Usage(calls + other.calls, failures + other.failures, inputTokens + other.inputTokens,
                outputTokens + other.outputTokens, audioSeconds + other.audioSeconds,
                latencyMillis + other.latencyMillis, cost.add(other.cost));
    }
}
