package dev.enrich.events;

import dev.enrich.job.Job;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Open the event streams clients follow (a job's, a batch's, a user's) for their owner: what a subscriber should be
 * sent, in batches, and which event ends the stream. The one entry for reading events; transports (SSE) only write
 * what this gives them.
 *
 * <p>A new subscriber first gets a {@code snapshot} numbered with the stream's last sequence number, then live
 * events. A resumption ({@code lastEventId}) whose missed events are still held gets exactly those, then live events;
 * one that is no longer held (a gap), or that claims more than the stream has, gets a fresh snapshot instead. A fresh
 * subscription to a finished job gets its snapshot numbered one before the terminal event, then the terminal event
 * (as held in the log, or made anew when the log forgot it), so ids always increase. A resumption of a finished job or
 * batch that already has its end is {@linkplain Feed#finished() finished}: there is nothing to send.
 *
 * <p>Whatever happens to the returned flux (completion, error, cancellation, never subscribed and cancelled), its
 * event log subscription is released; a snapshot is let go of once it has been sent.
 */
public final class EventFeed {

    /** The most jobs a per-user snapshot shows. */
    static final int USER_SNAPSHOT_JOBS = 100;

    private final EventLog log;
    private final SnapshotSource snapshots;
    private final Clock clock;

    public EventFeed(EventLog log, SnapshotSource snapshots, Clock clock) {
        this.log = log;
        this.snapshots = snapshots;
        this.clock = clock;
    }

    /**
     * Open a job's stream; it ends with the job's terminal event. Fails like {@link SnapshotSource#job} for a job the
     * tenant does not have.
     *
     * @param lastEventId the last sequence number the client has, or null for a new subscriber
     */
    public Mono<Feed> job(String tenant, String jobId, @Nullable Long lastEventId) {
        String stream = EventPublisher.jobStream(jobId);
        return snapshots.job(tenant, jobId).flatMap(found -> endCovered(found.state().isTerminal(), lastEventId, stream)
                .map(covered -> covered ? Feed.FINISHED : new Feed(false, events(stream, lastEventId,
                        opened -> snapshots.job(tenant, jobId).map(job -> jobSnapshot(job, opened.lastSeq()))),
                        e -> e.type().isTerminal())));
    }

    /**
     * Open a batch's stream: its jobs' events and {@code batch} events; it ends with the batch event that shows the
     * batch finished. Fails like {@link SnapshotSource#batchView} for a batch the tenant does not have.
     */
    public Mono<Feed> batch(String tenant, String batchId, @Nullable Long lastEventId) {
        String stream = EventPublisher.batchStream(batchId);
        return snapshots.batchView(tenant, batchId).flatMap(view -> endCovered(view.state().isTerminal(), lastEventId,
                stream).map(covered -> covered ? Feed.FINISHED : new Feed(false, events(stream, lastEventId,
                        opened -> snapshots.batchView(tenant, batchId).map(v -> new Snapshot(
                                JobEvent.batchSnapshot(v, tenant, opened.lastSeq(), clock.instant()), null))),
                        JobEvent::showsBatchFinished)));
    }

    /** Open the stream of all of a user's jobs (for now: a tenant's); it does not end by itself. */
    public Mono<Feed> user(String tenant, @Nullable Long lastEventId) {
        return Mono.fromSupplier(() -> new Feed(false, events(EventPublisher.userStream(tenant), lastEventId,
                opened -> snapshots.recentJobViews(tenant, USER_SNAPSHOT_JOBS).collectList()
                        .map(jobs -> new Snapshot(JobEvent.userSnapshot(tenant, jobs, opened.lastSeq(),
                                clock.instant()), null))), e -> false));
    }

    private Snapshot jobSnapshot(Job job, long seq) {
        return new Snapshot(JobEvent.jobSnapshot(job, snapshots.view(job), seq, clock.instant()),
                job.state().isTerminal() ? JobEvent.ended(job, clock.instant()) : null);
    }

    // A reconnect to a finished stream whose id covers everything the stream holds; also true when the log forgot the
    // stream (lastSeq 0), so a client of a finished job never loops on snapshot + terminal.
    private Mono<Boolean> endCovered(boolean ended, @Nullable Long last, String stream) {
        return !ended || last == null ? Mono.just(false) : log.lastSeq(stream).map(seq -> last >= seq);
    }

    private Flux<List<JobEvent>> events(String stream, @Nullable Long last,
            Function<EventLog.Opened, Mono<Snapshot>> snapshot) {
        // A fresh subscriber also gets the last held event, to follow a finished job's snapshot.
        return Mono.defer(() -> last != null ? Mono.just(last) : log.lastSeq(stream).map(seq -> seq - 1))
                .flatMapMany(after -> log.open(stream, after)
                        .flatMapMany(opened -> replayOrSnapshot(opened, last, after, snapshot)));
    }

    // What follows an opened subscription: the replay when it answers the client's id, a snapshot otherwise.
    private static Flux<List<JobEvent>> replayOrSnapshot(EventLog.Opened opened, @Nullable Long last, long after,
            Function<EventLog.Opened, Mono<Snapshot>> snapshot) {
        AtomicBoolean subscribed = new AtomicBoolean();
        Flux<List<JobEvent>> events = opened.batches().doOnSubscribe(s -> subscribed.set(true));
        Flux<List<JobEvent>> body;
        if (last != null && !opened.gap() && last <= opened.lastSeq()) {
            body = events;
        } else {
            boolean endHeld = last == null && after >= 0 && !opened.gap();
            body = snapshot.apply(opened).flatMapMany(s -> {
                JobEvent first = s.event();
                JobEvent end = s.end();
                long seq = first.seq();
                return end == null ? once(first).concatWith(after(events, seq))
                        : endHeld ? once(first.withSeq(seq - 1)).concatWith(after(events, seq - 1))
                        : Flux.just(List.of(first.withSeq(Math.max(0, seq - 1)), end.numbered(seq)));
            });
        }
        return body.doFinally(signal -> {
            if (!subscribed.get()) {
                opened.release();
            }
        });
    }

    // Drop events already covered by a snapshot numbered `seq`; batches left empty are dropped too.
    private static Flux<List<JobEvent>> after(Flux<List<JobEvent>> batches, long seq) {
        return batches.mapNotNull(batch -> {
            if (batch.get(0).seq() > seq) {
                return batch;
            }
            List<JobEvent> later = batch.stream().filter(e -> e.seq() > seq).toList();
            return later.isEmpty() ? null : later;
        });
    }

    // A stream may stay open for hours: let go of its snapshot (up to 100 job views) once it has been sent.
    private static Flux<List<JobEvent>> once(JobEvent event) {
        AtomicReference<@Nullable JobEvent> held = new AtomicReference<>(event);
        return Mono.fromSupplier(() -> {
            JobEvent snapshot = held.getAndSet(null);
            return snapshot == null ? null : List.of(snapshot);
        }).flux();
    }

    /**
     * Carry what to send a subscriber of a stream.
     *
     * @param finished true when there is nothing to send: the client already has the end of a finished stream
     * @param batches the events, in batches, in sequence order (empty when finished)
     * @param ends tells the event that ends the stream; nothing after it is sent
     */
    public record Feed(boolean finished, Flux<List<JobEvent>> batches, Predicate<JobEvent> ends) {

        static final Feed FINISHED = new Feed(true, Flux.empty(), e -> true);
    }

    /** A snapshot, and for a finished job the terminal event that follows it. */
    private record Snapshot(JobEvent event, @Nullable JobEvent end) {}
}
