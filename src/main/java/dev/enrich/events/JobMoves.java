package dev.enrich.events;

import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Store a job's move and append the event that reports it (port): a shared store does both in one step (one round
 * trip, and no replica sees the move without its event), a store in this process one after the other
 * ({@link #sequential}).
 */
@FunctionalInterface
public interface JobMoves {

    /**
     * Keep {@code checkpoint} (when given, whether or not the job moves), move the job to {@code next} while it is in
     * state {@code from} (as {@link JobRepository#transition}), and when it moved, append {@code event} to
     * {@code stream} and {@code alsoTo} (as {@link EventLog#appendShared}).
     *
     * @return the event as stored in {@code stream}, or empty when the job was not in {@code from} (nothing moved,
     *     nothing appended)
     */
    Mono<Optional<JobEvent>> move(JobState from, Job next, @Nullable StageResult checkpoint, String stream,
            List<String> alsoTo, JobEvent event);

    /**
     * Move as {@link #move} does a job stored QUEUED for its automatic retry and, when it moved and this store
     * {@linkplain #holdsWaits() holds waits}, hold its wait in the same step: it is queued when {@code wait} is over
     * (with {@code queuedAt} as its queue time), and a crash right after the move cannot leave it stored for a run
     * that nothing will ever queue. A store that holds no waits only moves it; the caller holds the wait.
     *
     * <p>{@code byRun} is the {@link Job#runOrder()} of the run that stores the retry (0 when no run does: a resume).
     * A shared store refuses a run's move from RUNNING when a later run stored the job (as for {@link #move}): the
     * retried job itself names no run (its delivery is 0), so the order is given here. A store in this process has
     * one replica and no takeovers, and ignores it.
     */
    default Mono<Optional<JobEvent>> moveToRetry(JobState from, Job next, String stream, List<String> alsoTo,
            JobEvent event, Duration wait, Instant queuedAt, long byRun) {
        return move(from, next, null, stream, alsoTo, event);
    }

    /** Return true when {@link #moveToRetry} holds the wait with the move (a shared store). */
    default boolean holdsWaits() {
        return false;
    }

    /**
     * Store jobs and queue them in one step, all or nothing, where this store {@linkplain #admitsJobs() admits} them:
     * a crash cannot leave one stored QUEUED with nothing to queue it. New jobs ({@code from} null) are inserted; a
     * job run again (one job, {@code from} its state now) is moved from {@code from} as {@link #move} does, without
     * an event. Each is queued with {@code queuedAt} as its queue time. The queue's refusal (full, or a job queued
     * already) and a job not in {@code from} leave everything as it was. Fails with the repository's
     * {@code StorageLimitException} when its caps refuse a new job (then none is stored; finished jobs the
     * caps let go of to make room, as a save does, stay gone).
     *
     * @throws UnsupportedOperationException (as the error) from a store that does not admit jobs
     */
    default Mono<Admission> admit(List<Job> jobs, @Nullable JobState from, Instant queuedAt) {
        return Mono.error(new UnsupportedOperationException("this store does not admit jobs in one step"));
    }

    /** Return true when {@link #admit} stores and queues jobs in one step (a shared store). */
    default boolean admitsJobs() {
        return false;
    }

    /** What {@link #admit} did. */
    enum Admission {
        /** Stored and queued. */
        ADMITTED,
        /** The queue refused them (full, or one of them queued already): nothing stored, nothing queued. */
        QUEUE_REFUSED,
        /** The job to run again was not in the state to move from: nothing stored, nothing queued. */
        STALE
    }

    /** Move through {@code jobs}, then append through {@code log}: two steps. */
    static JobMoves sequential(JobRepository jobs, EventLog log) {
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(log, "log");
        return (from, next, checkpoint, stream, alsoTo, event) -> {
            Mono<Boolean> moved = checkpoint == null ? jobs.transition(from, next)
                    : jobs.transition(from, next, checkpoint.stage(), checkpoint);
            return moved.flatMap(yes -> yes ? log.appendShared(stream, alsoTo, event).map(Optional::of)
                    : Mono.just(Optional.<JobEvent>empty()));
        };
    }
}
