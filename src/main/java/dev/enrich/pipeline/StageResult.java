package dev.enrich.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Hold what one stage produced. Immutable.
 *
 * @param stage which stage
 * @param state the outcome: SUCCEEDED, DEGRADED, FAILED or SKIPPED
 * @param data the result as a JSON-ready map (empty when the stage produced nothing)
 * @param message short friendly text, e.g. why it was skipped
 * @param path which processor produced the result: {@code local} or {@code ai}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StageResult(
        StageName stage, StageState state, Map<String, Object> data, @Nullable String message, @Nullable String path) {

    public StageResult {
        if (!state.isFinished() || state == StageState.CANCELLED) {
            throw new IllegalArgumentException("state must be an outcome, but was " + state);
        }
        data = Map.copyOf(data);
    }

    /** Return a successful result produced locally. */
    public static StageResult succeeded(StageName stage, Map<String, Object> data) {
        return new StageResult(stage, StageState.SUCCEEDED, data, null, "local");
    }

    /** Return a lesser result from a fallback. */
    public static StageResult degraded(StageName stage, Map<String, Object> data, String message) {
        return new StageResult(stage, StageState.DEGRADED, data, message, "local");
    }

    /** Return a failure with a friendly message. */
    public static StageResult failed(StageName stage, String message) {
        return new StageResult(stage, StageState.FAILED, Map.of(), message, null);
    }

    /** Return a skip for want of input. */
    public static StageResult skipped(StageName stage, String message) {
        return new StageResult(stage, StageState.SKIPPED, Map.of(), message, null);
    }
}
