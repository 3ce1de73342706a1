package dev.enrich.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.Canvas;
import dev.enrich.model.SessionSummary;
import dev.enrich.model.StageOutput;
import dev.enrich.model.VideoAnalysis;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Hold what one stage produced. Immutable.
 *
 * @param stage which stage
 * @param state the outcome: SUCCEEDED, DEGRADED, FAILED or SKIPPED
 * @param data the stage's output, of the stage's type (audio: {@link AudioAnalysis}, video: {@link VideoAnalysis},
 *     summary: {@link SessionSummary}, canvas: {@link Canvas}); null when the stage produced nothing (JSON: left out)
 * @param message short friendly text, e.g. why it was skipped
 * @param path which processor produced the result: {@code local} or {@code ai}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StageResult(
        StageName stage, StageState state, @Nullable StageOutput data, @Nullable String message,
        @Nullable String path) {

    /**
     * @throws IllegalArgumentException when {@code state} is not an outcome, a useful outcome has no data, or the data
     *     is not of the stage's type
     */
    public StageResult {
        if (!state.isFinished() || state == StageState.CANCELLED) {
            throw new IllegalArgumentException("state must be an outcome, but was " + state);
        }
        if (state.isUseful() && data == null) {
            throw new IllegalArgumentException("a " + state + " result needs data, but " + stage + " has none");
        }
        if (data != null && !outputType(stage).isInstance(data)) {
            throw new IllegalArgumentException("data of stage " + stage + " must be a "
                    + outputType(stage).getSimpleName() + ", but was a " + data.getClass().getSimpleName());
        }
    }

    /** Return a successful result produced locally. */
    public static StageResult succeeded(StageName stage, StageOutput data) {
        return new StageResult(stage, StageState.SUCCEEDED, data, null, "local");
    }

    /** Return a lesser result from a fallback. */
    public static StageResult degraded(StageName stage, StageOutput data, String message) {
        return new StageResult(stage, StageState.DEGRADED, data, message, "local");
    }

    /** Return a failure with a friendly message. */
    public static StageResult failed(StageName stage, String message) {
        return new StageResult(stage, StageState.FAILED, null, message, null);
    }

    /** Return a skip for want of input. */
    public static StageResult skipped(StageName stage, String message) {
        return new StageResult(stage, StageState.SKIPPED, null, message, null);
    }

    /** Return a copy with other data, of the same stage, and {@code path}. */
    public StageResult with(StageOutput newData, String newPath) {
        return new StageResult(stage, state, newData, message, newPath);
    }

    /** Return the data as {@code type} when it is one. */
    public <T extends StageOutput> Optional<T> data(Class<T> type) {
        return type.isInstance(data) ? Optional.of(type.cast(data)) : Optional.empty();
    }

    /** Return the type of output {@code stage} produces. */
    public static Class<? extends StageOutput> outputType(StageName stage) {
        return switch (stage) {
            case AUDIO -> AudioAnalysis.class;
            case VIDEO -> VideoAnalysis.class;
            case SUMMARY -> SessionSummary.class;
            case CANVAS -> Canvas.class;
        };
    }
}
