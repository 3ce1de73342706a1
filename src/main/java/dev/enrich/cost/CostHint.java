package dev.enrich.cost;

import dev.enrich.pipeline.StageName;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * Suggest where AI spend could be cut (admin report only).
 *
 * @param type which heuristic produced it
 * @param stage the stage concerned
 * @param model the model concerned ({@code null} for {@link Type#STAGE_GROWTH})
 * @param suggestedModel a cheaper model to try ({@code null} for {@link Type#STAGE_GROWTH})
 * @param before growth: cost per session in the previous 7 days; smaller model: what the calls cost
 * @param after growth: cost per session in the last 7 days; smaller model: what they would have cost
 * @param text one line for a human
 */
public record CostHint(Type type, StageName stage, @Nullable String model, @Nullable String suggestedModel,
        BigDecimal before, BigDecimal after, String text) {

    /** Name the heuristics. */
    public enum Type {
        /** The stage whose cost per session grew most, last 7 days against the 7 days before. */
        STAGE_GROWTH,
        /** Chat calls with small replies on a model that costs much more than another configured one. */
        SMALLER_MODEL
    }
}
