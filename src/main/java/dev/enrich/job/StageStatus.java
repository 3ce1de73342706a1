package dev.enrich.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageState;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Describe where one stage of a job stands. Immutable.
 *
 * @param stage which stage
 * @param state where it stands
 * @param progress the stage's own progress 0..1
 * @param message short friendly text, if any
 * @param path which processor produced the result ({@code local} now; {@code ai} once the provider lands)
 * @param startedAt when it started running
 * @param finishedAt when it finished
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StageStatus(
        StageName stage,
        StageState state,
        double progress,
        @Nullable String message,
        @Nullable String path,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt) {

    /** Return a pending status for a stage. */
    public static StageStatus pending(StageName stage) {
        return new StageStatus(stage, StageState.PENDING, 0, null, null, null, null);
    }

    /** Return a copy with the stage running since {@code at}. */
    public StageStatus running(Instant at, String message) {
        return new StageStatus(stage, StageState.RUNNING, progress, message, path, at, null);
    }

    /** Return a copy with new progress and message. */
    public StageStatus progressed(double progress, String message) {
        return new StageStatus(stage, state, progress, message, path, startedAt, finishedAt);
    }

    /** Return a copy finished in {@code state} at {@code at}. */
    public StageStatus finished(StageState state, @Nullable String message, @Nullable String path, Instant at) {
        double p = state.isUseful() ? 1.0 : progress;
        return new StageStatus(stage, state, p, message, path, startedAt, at);
    }
}
