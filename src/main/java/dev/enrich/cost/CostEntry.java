package dev.enrich.cost;

import dev.enrich.pipeline.StageName;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * Record one AI call: who it was for, what it used and what it cost. Failed calls are recorded too, at zero cost.
 *
 * @param tenant the tenant paying for it
 * @param sessionId the session being enriched
 * @param jobId the job
 * @param stage the stage that made the call
 * @param model the model that answered (or was asked, when the call failed)
 * @param kind transcription or chat
 * @param inputTokens prompt tokens (0 for transcriptions)
 * @param outputTokens completion tokens (0 for transcriptions)
 * @param audioSeconds seconds of audio sent (0 for chat)
 * @param latencyMillis how long the call took
 * @param cost what it cost in the price table's currency; never negative
 * @param at when the call started
 * @param failed whether the call failed or was cancelled
 */
public record CostEntry(String tenant, String sessionId, String jobId, StageName stage, String model, Kind kind,
        long inputTokens, long outputTokens, double audioSeconds, long latencyMillis, BigDecimal cost, Instant at,
        boolean failed) {

    /** Name the kind of AI call. */
    public enum Kind {
        TRANSCRIPTION,
        CHAT
    }

    public CostEntry {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(cost, "cost");
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException(
                    "tokens must be >= 0, but were " + inputTokens + " in / " + outputTokens + " out");
        }
        if (!(audioSeconds >= 0) || Double.isInfinite(audioSeconds)) {
            throw new IllegalArgumentException("audioSeconds must be >= 0 and finite, but was " + audioSeconds);
        }
        if (latencyMillis < 0) {
            throw new IllegalArgumentException("latencyMillis must be >= 0, but was " + latencyMillis);
        }
        if (cost.signum() < 0) {
            throw new IllegalArgumentException("cost must be >= 0, but was " + cost);
        }
    }

    /** Return the UTC day the call started on; ledgers bucket and budgets count by it. */
    public LocalDate day() {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }
}
