package dev.enrich.events;

import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
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
     * Make a run's consecutive moves ({@code steps}, each from the state the one before left; the first from
     * {@code from}) as {@link #move} makes each, all to the job's stream {@code stream} and {@code alsoTo}. A shared
     * store makes them in one step, all or none: every checkpoint kept, the job stored as the last step left it (the
     * states in between are never stored), and every event appended, in order; a job not in {@code from} moves not,
     * and its checkpoints are kept as {@link #move} keeps one. This default makes them one after the other and stops
     * at the first the job is not in the state for (keeping only that one's checkpoint); tried again after a failure
     * part way, it would make the moves already made again (a shared store's single step is safe to try again).
     *
     * @return the events as stored in {@code stream}, in order: one per step when the job moved, fewer when it was
     *     not in the state for a step (none for a shared store)
     */
    default Mono<List<JobEvent>> moveAll(JobState from, List<Step> steps, String stream, List<String> alsoTo) {
        return Mono.defer(() -> {
            List<JobEvent> stored = new ArrayList<>(steps.size());
            Mono<Boolean> moved = Mono.just(true);
            JobState state = from;
            for (Step step : steps) {
                JobState before = state;
                moved = moved.flatMap(yes -> !yes ? Mono.just(false)
                        : move(before, step.next(), step.checkpoint(), stream, alsoTo, step.event())
                                .map(event -> event.map(stored::add).isPresent()));
                state = step.next().state();
            }
            return moved.map(all -> List.copyOf(stored));
        });
    }

    /** One move of {@link #moveAll}: the job as it leaves it, the stage result it checkpoints, and its event. */
    record Step(Job next, @Nullable StageResult checkpoint, JobEvent event) {
        public Step {
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(event, "event");
            if (!next.id().equals(event.jobId())) {
                throw new IllegalArgumentException("the event must be the moved job's");
            }
        }
    }

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

    /**
     * Move through {@code jobs}, then append through {@code log}: two steps. Consecutive moves are made one after the
     * other; when the job is not in the state for one, the checkpoints of it and of those after it are kept (as
     * {@link JobRepository#keepResult} keeps one).
     */
    static JobMoves sequential(JobRepository jobs, EventLog log) {
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(log, "log");
        return new JobMoves() {
            @Override
            public Mono<Optional<JobEvent>> move(JobState from, Job next, @Nullable StageResult checkpoint,
                    String stream, List<String> alsoTo, JobEvent event) {
                Mono<Boolean> moved = checkpoint == null ? jobs.transition(from, next)
                        : jobs.transition(from, next, checkpoint.stage(), checkpoint);
                return moved.flatMap(yes -> yes ? log.appendShared(stream, alsoTo, event).map(Optional::of)
                        : Mono.just(Optional.<JobEvent>empty()));
            }

            @Override
            public Mono<List<JobEvent>> moveAll(JobState from, List<Step> steps, String stream,
                    List<String> alsoTo) {
                // The refused step kept its own checkpoint; those after it were not tried.
                return JobMoves.super.moveAll(from, steps, stream, alsoTo).flatMap(stored ->
                        Flux.fromIterable(steps.subList(Math.min(stored.size() + 1, steps.size()), steps.size()))
                                .filter(step -> step.checkpoint() != null)
                                .concatMap(step -> jobs.keepResult(step.next().id(), step.checkpoint().stage(),
                                        step.checkpoint()))
                                .then(Mono.just(stored)));
            }
        };
    }
}
