package dev.enrich.events;

import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Publish job and batch events to their streams: a job event goes to the job's stream, its batch's stream and its
 * owner's stream, each numbering it in turn; {@code jobSeq} keeps the job stream's number everywhere.
 *
 * <p>Build events with the factories of {@link JobEvent}. What is derived from job events in this process (batch
 * progress) follows {@link #published()}.
 *
 * <p>Publishing happens when the returned Mono is subscribed: subscribe once, and publish a job's next event after the
 * previous one completed, so a job's events keep their order in every stream and in {@link #published()}.
 */
public final class EventPublisher {

    private final EventLog log;
    private final JobMoves moves;
    private final Sinks.Many<JobEvent> published = Sinks.many().multicast().directBestEffort();

    /** Publish to {@code log}, and store moves with their events through {@code moves}. */
    public EventPublisher(EventLog log, JobMoves moves) {
        this.log = Objects.requireNonNull(log, "log");
        this.moves = Objects.requireNonNull(moves, "moves");
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

    /**
     * Append a job event to the job stream, then to its batch's and user's streams numbered with the job stream's
     * {@code seq} as {@code jobSeq}, then hand it to the {@link #published()} subscribers; emit it as numbered in the
     * job stream. Fails when an append fails (what was appended stays).
     *
     * @throws IllegalArgumentException if the event has no job id
     */
    public Mono<JobEvent> publish(JobEvent event) {
        String jobId = event.jobId();
        if (jobId == null) {
            throw new IllegalArgumentException("jobId must be set on a job event");
        }
        // Deferred, and each append made when the previous one completed: an in-memory log appends at the call.
        return Mono.defer(() -> log.appendShared(jobStream(jobId), alsoTo(event), event)).map(this::handOver);
    }

    /**
     * Move a job (keeping {@code checkpoint} first, when given) and publish {@code event} with it, as one step where
     * the store allows (see {@link JobMoves}): the event is appended and handed over as {@link #publish} does, only
     * when the job moved.
     *
     * @return whether the job was in state {@code from} and moved
     * @throws IllegalArgumentException when the event is not the moved job's
     */
    public Mono<Boolean> publishMove(JobState from, Job next, @Nullable StageResult checkpoint, JobEvent event) {
        return moved(next, event, () -> moves.move(from, next, checkpoint, jobStream(next.id()), alsoTo(event),
                event));
    }

    /**
     * Make a run's consecutive moves with their events ({@code steps}, the first from {@code from}; see
     * {@link JobMoves#moveAll}), as {@link #publishMove} makes one: in one step where the store allows. The events
     * stored are handed over in order.
     *
     * @return whether the job moved through every step (a store in this process may have made, and handed over, the
     *     first steps when it answers false)
     * @throws IllegalArgumentException when the steps are not all one job's, or there are none
     */
    public Mono<Boolean> publishMoves(JobState from, List<JobMoves.Step> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("no steps to move");
        }
        JobMoves.Step first = steps.get(0);
        if (steps.size() == 1) {
            return publishMove(from, first.next(), first.checkpoint(), first.event());
        }
        String jobId = first.next().id();
        if (steps.stream().anyMatch(step -> !step.next().id().equals(jobId))) {
            throw new IllegalArgumentException("the steps must all be one job's");
        }
        return Mono.defer(() -> moves.moveAll(from, steps, jobStream(jobId), alsoTo(first.event())))
                .map(stored -> {
                    stored.forEach(this::handOver);
                    return stored.size() == steps.size();
                });
    }

    /**
     * Store a job QUEUED for its next run (an automatic retry, a resume) with {@code event}, as {@link #publishMove}
     * does, and hold its wait in the same step where the store can ({@link #holdsWaits()}); otherwise the caller
     * holds it. {@code byRun}: the run order of the run that stores it, 0 for none (see {@link JobMoves#moveToRetry}).
     */
    public Mono<Boolean> publishRetryMove(JobState from, Job next, JobEvent event, Duration wait, Instant queuedAt,
            long byRun) {
        return moved(next, event, () -> moves.moveToRetry(from, next, jobStream(next.id()), alsoTo(event), event,
                wait, queuedAt, byRun));
    }

    // The move made by `move` (deferred), its stored event handed over when the job moved.
    private Mono<Boolean> moved(Job next, JobEvent event, Supplier<Mono<Optional<JobEvent>>> move) {
        if (!next.id().equals(event.jobId())) {
            throw new IllegalArgumentException("the event must be the moved job's");
        }
        return Mono.defer(move).map(stored -> stored.map(this::handOver).isPresent());
    }

    /**
     * Store jobs and queue them in one step where the store can ({@link #admitsJobs()}; see {@link JobMoves#admit}):
     * new jobs ({@code from} null), or one job run again, moved from {@code from}. No event is published.
     */
    public Mono<JobMoves.Admission> admit(List<Job> jobs, @Nullable JobState from, Instant queuedAt) {
        return Mono.defer(() -> moves.admit(jobs, from, queuedAt));
    }

    /** Return true when {@link #admit} stores and queues jobs in one step (a shared store). */
    public boolean admitsJobs() {
        return moves.admitsJobs();
    }

    /** Return true when {@link #publishRetryMove} holds the retry's wait itself. */
    public boolean holdsWaits() {
        return moves.holdsWaits();
    }

    private static List<String> alsoTo(JobEvent event) {
        String batchId = event.batchId();
        return batchId == null ? List.of(userStream(event.tenant()))
                : List.of(batchStream(batchId), userStream(event.tenant()));
    }

    // Publishers run on many threads at once: hand-overs are serialized by this short lock (subscribers only take the
    // event and queue it). With no subscriber, or none with demand, the event is simply not handed over; the sink
    // never terminates.
    private JobEvent handOver(JobEvent stored) {
        JobEvent numbered = stored.withJobSeq(stored.seq());
        synchronized (published) {
            published.tryEmitNext(numbered);
        }
        return numbered;
    }

    /**
     * Return the job events this instance publishes from now on, each once, in the order they were published (so in
     * order per job); hot, never completes. A subscriber sees only what is published while it has demand: it should
     * take what it needs at once (filter, then buffer) and do its work elsewhere, never on the publisher's thread.
     */
    public Flux<JobEvent> published() {
        return published.asFlux();
    }

    /**
     * Return whether a job's last event is its end, in its batch's and user's streams too (a job event is appended
     * to them together); also true when the log no longer holds the job's stream. False while a job that has ended in
     * the repository has not yet had its end published, or once it runs again.
     */
    public Mono<Boolean> endPublished(String jobId) {
        return Mono.defer(() -> log.last(jobStream(jobId))).map(last -> last.type().isTerminal())
                .defaultIfEmpty(true);
    }

    /**
     * Return whether a batch's stream ends with a view that shows the batch finished (what ends its subscribers'
     * streams); false when the log holds nothing of it.
     */
    public Mono<Boolean> batchEnded(String batchId) {
        return Mono.defer(() -> log.last(batchStream(batchId))).map(JobEvent::showsBatchFinished)
                .defaultIfEmpty(false);
    }

    /**
     * Delete a stream named by {@link #jobStream}, {@link #batchStream} or {@link #userStream} (its owner's data is
     * being deleted): its events go for every replica, and its live subscribers here complete.
     */
    public Mono<Void> delete(String stream) {
        return Mono.defer(() -> log.delete(stream));
    }

    /** End every live subscription once it has been sent what was published so far (shutdown). */
    public void endSubscriptions() {
        log.endSubscriptions();
    }

    /**
     * Append a batch event to the batch stream, then to the user stream; complete when both hold it.
     *
     * @throws IllegalArgumentException if the event has no batch id
     */
    public Mono<Void> publishBatch(JobEvent event) {
        String batchId = event.batchId();
        if (batchId == null) {
            throw new IllegalArgumentException("batchId must be set on a batch event");
        }
        return Mono.defer(() -> log.append(batchStream(batchId), event))
                .flatMap(inBatch -> log.append(userStream(event.tenant()), event))
                .then();
    }
}
