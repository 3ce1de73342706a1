package dev.enrich.job;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.enrich.pipeline.StageName;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Describe one enrichment job of one session. Immutable: every change makes a new instance.
 *
 * @param id job id
 * @param tenant owner
 * @param sessionId the session enriched
 * @param batchId the batch it belongs to, if any
 * @param priority interactive or batch
 * @param stages stages requested, by name, in pipeline order
 * @param state where the job stands
 * @param progress overall progress 0..1
 * @param etaSeconds remaining seconds; null when unknown; never 0 while work remains
 * @param message short friendly text for people
 * @param createdAt when it was accepted
 * @param startedAt when a worker took it
 * @param finishedAt when it reached a terminal state
 * @param attempt 1 for the first run, +1 per retry
 * @param history how earlier attempts ended, oldest first
 * @param delivery which delivery of its queue entry the run that stored it was: 1 for the first, +1 each time another
 *     replica took the entry over (its run stalled or died); 0 when no run stored it yet. With {@code attempt}, it
 *     orders the runs of one job (see {@link #runOrder()})
 */
public record Job(
        String id,
        String tenant,
        String sessionId,
        @Nullable String batchId,
        Priority priority,
        Map<StageName, StageStatus> stages,
        JobState state,
        double progress,
        @Nullable Long etaSeconds,
        String message,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        int attempt,
        List<Attempt> history,
        // Jobs stored before this field existed read as stored by no run.
        @JsonSetter(nulls = Nulls.AS_EMPTY) int delivery) {

    public Job {
        stages = Collections.unmodifiableMap(new EnumMap<>(stages));
        history = List.copyOf(history);
    }

    /**
     * Record how one attempt ended.
     *
     * @param attempt its number
     * @param state how it ended
     * @param message what it said
     * @param finishedAt when
     */
    public record Attempt(int attempt, JobState state, String message, @Nullable Instant finishedAt) {}

    /** Create a queued job with every requested stage pending. */
    public static Job queued(
            String id, String tenant, String sessionId, @Nullable String batchId, Priority priority,
            Set<StageName> requested, Instant now) {
        Map<StageName, StageStatus> stages = new EnumMap<>(StageName.class);
        requested.forEach(s -> stages.put(s, StageStatus.pending(s)));
        return new Job(id, tenant, sessionId, batchId, priority, stages, JobState.QUEUED, 0, null,
                "Waiting for a free worker...", now, null, null, 1, List.of(), 0);
    }

    /**
     * Return this finished job queued again for another attempt: stages that succeeded or were skipped keep their
     * status (their checkpointed results are reused); the others are pending again.
     */
    public Job retried(Instant now) {
        if (!state.isTerminal()) {
            throw new IllegalStateException("job " + id + " is " + state + ", not finished");
        }
        Map<StageName, StageStatus> again = new EnumMap<>(StageName.class);
        stages.forEach((name, status) -> again.put(name,
                status.state() == dev.enrich.pipeline.StageState.SUCCEEDED
                        || status.state() == dev.enrich.pipeline.StageState.SKIPPED
                        ? status : StageStatus.pending(name)));
        List<Attempt> past = new java.util.ArrayList<>(history);
        past.add(new Attempt(attempt, state, message, finishedAt));
        return new Job(id, tenant, sessionId, batchId, priority, again, JobState.QUEUED, 0, null,
                "Waiting for a free worker...", createdAt, null, null, attempt + 1, past, 0);
    }

    /** Return a copy stored by the run that got delivery {@code n} of the job's queue entry. */
    public Job deliveredAs(int n) {
        return new Job(id, tenant, sessionId, batchId, priority, stages, state, progress, etaSeconds, message,
                createdAt, startedAt, finishedAt, attempt, history, n);
    }

    /**
     * Return the order of the run that stored this job among the job's runs: by attempt, then by delivery. A later
     * run has a higher number; a store refuses a run's move from RUNNING when the job it holds comes from a later run
     * (a run whose entry another replica took over stores nothing more). Writers that are no run (a cancel, a dead
     * letter) store the job with delivery 0, which no store orders.
     */
    public long runOrder() {
        return ((long) attempt << 20) | Math.min(Math.max(delivery, 0), 0xFFFFF);
    }

    /** Return the requested stage names. */
    public Set<StageName> requested() {
        return stages.keySet();
    }

    /** Return a copy with one stage's status changed. */
    public Job withStage(StageName stage, UnaryOperator<StageStatus> change) {
        Map<StageName, StageStatus> copy = new EnumMap<>(stages);
        copy.computeIfPresent(stage, (k, v) -> change.apply(v));
        return new Job(id, tenant, sessionId, batchId, priority, copy, state, progress, etaSeconds, message,
                createdAt, startedAt, finishedAt, attempt, history, delivery);
    }

    /** Return a copy with new overall progress, ETA and message. */
    public Job withProgress(double progress, @Nullable Long etaSeconds, String message) {
        return new Job(id, tenant, sessionId, batchId, priority, stages, state, progress, etaSeconds, message,
                createdAt, startedAt, finishedAt, attempt, history, delivery);
    }

    /** Return a copy in a new state; terminal states stamp {@code finishedAt}, RUNNING stamps {@code startedAt}. */
    public Job withState(JobState next, String message, Instant at) {
        Instant started = next == JobState.RUNNING ? at : startedAt;
        Instant finished = next.isTerminal() ? at : null;
        Long eta = next.isTerminal() ? Long.valueOf(0) : etaSeconds;
        double p = next == JobState.COMPLETED ? 1.0 : progress;
        return new Job(id, tenant, sessionId, batchId, priority, stages, next, p, eta, message, createdAt,
                started, finished, attempt, history, delivery);
    }
}
