package dev.enrich.client;

import dev.enrich.model.StageOutput;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Hold what one stage of a job produced.
 *
 * @param stage which stage
 * @param state the outcome: SUCCEEDED, DEGRADED, FAILED or SKIPPED
 * @param data the stage's typed output ({@link dev.enrich.model.AudioAnalysis}, {@link
 *     dev.enrich.model.VideoAnalysis}, {@link dev.enrich.model.SessionSummary} or {@link dev.enrich.model.Canvas});
 *     null when the stage produced nothing
 * @param message short friendly text, e.g. why it was skipped
 * @param path which processor produced it: {@code local} or {@code ai}
 */
public record StageResult(
        Stage stage, StageState state, @Nullable StageOutput data, @Nullable String message, @Nullable String path) {

    /** Return the output as {@code type} when it is one. */
    public <T extends StageOutput> Optional<T> data(Class<T> type) {
        return type.isInstance(data) ? Optional.of(type.cast(data)) : Optional.empty();
    }
}
