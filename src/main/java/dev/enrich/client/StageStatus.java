package dev.enrich.client;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Describe where one stage of a job stands.
 *
 * @param stage which stage
 * @param state where it stands
 * @param progress the stage's own progress, 0..1
 * @param message short friendly text, if any
 * @param path which processor produced the result ({@code local} or {@code ai}), once finished
 * @param startedAt when it started running
 * @param finishedAt when it finished
 */
public record StageStatus(
        Stage stage,
        StageState state,
        double progress,
        @Nullable String message,
        @Nullable String path,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt) {}
