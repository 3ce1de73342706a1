package dev.enrich.client.internal;

import dev.enrich.client.BatchStatus;
import dev.enrich.client.JobEvent;
import dev.enrich.client.JobStatus;
import dev.enrich.client.Stage;
import dev.enrich.client.StageState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * Read one SSE event ({@code event:} name and {@code data:} JSON) as the typed {@link JobEvent} of its kind. Kinds
 * this client does not know become {@link JobEvent.Unknown}.
 */
final class EventReader {

    private static final TypeReference<List<JobStatus>> JOBS = new TypeReference<>() {};

    private EventReader() {}

    /** Read an event; {@code name} is the SSE event name, or null to use the JSON's {@code type}. */
    static JobEvent read(@Nullable String name, String data) {
        JsonNode tree = Json.tree(data);
        Wire w = Json.convert(tree, Wire.class);
        String type = name != null ? name : w.type() != null ? w.type() : "";
        String message = w.message() != null ? w.message() : "";
        Instant at = w.at() != null ? w.at() : Instant.EPOCH;
        JsonNode detail = tree.path("detail");
        return switch (type) {
            case "snapshot" -> snapshot(w, detail, message, at);
            case "progress" -> new JobEvent.Progress(w.seq(), jobId(w), w.batchId(), w.progress(), w.etaSeconds(),
                    text(detail.path("etaText")), w.stage(), w.stageProgress(), message, at);
            case "stage" -> new JobEvent.StageChanged(w.seq(), jobId(w), w.batchId(), stage(w),
                    w.stageState() != null ? w.stageState() : StageState.UNKNOWN, w.progress(), w.etaSeconds(),
                    message, at);
            case "retrying" -> new JobEvent.Retrying(w.seq(), jobId(w), w.batchId(), stage(w),
                    detail.path("attempt").asInt(0), detail.path("maxAttempts").asInt(0),
                    Duration.ofSeconds(detail.path("delaySeconds").asLong(0)), message, at);
            case "completed" -> new JobEvent.Completed(w.seq(), jobId(w), w.batchId(), message, at);
            case "partial" -> new JobEvent.Partial(w.seq(), jobId(w), w.batchId(), message, at);
            case "failed" -> new JobEvent.Failed(w.seq(), jobId(w), w.batchId(), message, at);
            case "cancelled" -> new JobEvent.Cancelled(w.seq(), jobId(w), w.batchId(), message, at);
            case "interrupted" -> new JobEvent.Interrupted(w.seq(), jobId(w), w.batchId(), message, at);
            case "batch" -> new JobEvent.BatchChanged(w.seq(), Json.convert(detail, BatchStatus.class), at);
            default -> new JobEvent.Unknown(w.seq(), type, data, message, at);
        };
    }

    // A job's snapshot names its job; a batch's only its batch; a user's neither.
    private static JobEvent snapshot(Wire w, JsonNode detail, String message, Instant at) {
        if (w.jobId() != null) {
            return new JobEvent.JobSnapshot(w.seq(), Json.convert(detail, JobStatus.class), at);
        }
        if (w.batchId() != null) {
            return new JobEvent.BatchSnapshot(w.seq(), Json.convert(detail, BatchStatus.class), at);
        }
        return new JobEvent.UserSnapshot(w.seq(), Json.convert(detail.path("jobs"), JOBS), message, at);
    }

    private static String jobId(Wire w) {
        return w.jobId() != null ? w.jobId() : "";
    }

    private static Stage stage(Wire w) {
        return w.stage() != null ? w.stage() : Stage.UNKNOWN;
    }

    private static @Nullable String text(JsonNode node) {
        return node.isString() ? node.asString() : null;
    }

    /** The common fields of every event's JSON. */
    record Wire(@Nullable String type, long seq, @Nullable String jobId, @Nullable String batchId, double progress,
            @Nullable Long etaSeconds, @Nullable String message, @Nullable Stage stage,
            @Nullable StageState stageState, @Nullable Double stageProgress, @Nullable Instant at) {}
}
