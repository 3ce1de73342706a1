package dev.enrich.events;

import dev.enrich.job.BatchView;
import dev.enrich.job.Job;
import dev.enrich.job.StageStatus;
import dev.enrich.pipeline.StageName;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Publish job and batch events to their streams: a job event goes to the job's stream, its batch's stream and its
 * owner's stream, each numbering it in turn; {@code jobSeq} keeps the job stream's number everywhere.
 */
public final class EventPublisher {

    private final EventLog log;

    public EventPublisher(EventLog log) {
        this.log = log;
    }

    /** Return the stream key of a job. */
    public static String jobStream(String jobId) {
        return "job:" + jobId;
    }

    /** Return the stream key of a batch. */
    public static String batchStream(String batchId) {
        return "batch:" + batchId;
    }

    /** Return the stream key of a user's (for now: a tenant's) jobs. */
    public static String userStream(String tenant) {
        return "user:" + tenant;
    }

    /** Build an event describing a job as it is now. */
    public static JobEvent jobEvent(EventType type, Job job, @Nullable StageName stage, @Nullable Object detail,
            Instant at) {
        StageStatus status = stage == null ? null : job.stages().get(stage);
        return new JobEvent(type, 0, 0, job.id(), job.batchId(), job.tenant(), job.state(), job.progress(),
                job.etaSeconds(), status != null && type == EventType.STAGE && status.message() != null
                        ? status.message() : job.message(),
                stage == null ? null : stage.id(), status == null ? null : status.state(),
                status == null ? null : status.progress(), detail, at);
    }

    /** Build an event describing a batch as it is now. */
    public static JobEvent batchEvent(BatchView batch, String tenant, Instant at) {
        return new JobEvent(EventType.BATCH, 0, 0, null, batch.id(), tenant, batch.state(), batch.progress(),
                batch.etaSeconds(), batch.message(), null, null, null, batch, at);
    }

    /** Append a job event to the job, batch and user streams; return it as numbered in the job stream. */
    public JobEvent publish(JobEvent event) {
        if (event.jobId() == null) {
            throw new IllegalArgumentException("jobId must be set on a job event");
        }
        JobEvent stored = log.append(jobStream(event.jobId()), event);
        JobEvent shared = event.withJobSeq(stored.seq());
        if (event.batchId() != null) {
            log.append(batchStream(event.batchId()), shared);
        }
        log.append(userStream(event.tenant()), shared);
        return stored.withJobSeq(stored.seq());
    }

    /** End every live subscription once it has been sent what was published so far (shutdown). */
    public void endSubscriptions() {
        log.endSubscriptions();
    }

    /** Append a batch event to the batch and user streams. */
    public void publishBatch(JobEvent event) {
        if (event.batchId() == null) {
            throw new IllegalArgumentException("batchId must be set on a batch event");
        }
        log.append(batchStream(event.batchId()), event);
        log.append(userStream(event.tenant()), event);
    }
}
