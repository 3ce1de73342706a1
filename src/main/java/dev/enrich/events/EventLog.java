package dev.enrich.events;

import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keep sequence-numbered, replayable event streams: one per job, one per batch, one per user (port).
 *
 * <p>A stream is named by a key such as {@code job:<id>}, {@code batch:<id>}, {@code user:<tenant>}. Sequence
 * numbers start at 1 and grow by one per appended event. Implementations retain a bounded number of recent events
 * per stream and a bounded number of streams, and never let a slow subscriber grow memory without bound.
 *
 * <p>{@link #append}, {@link #open} and {@link #lastSeq} answer with a {@link Mono}: a log in this process may do the
 * work at the call and return a completed Mono (no thread hop on the publisher's path), a shared log does it when the
 * Mono is subscribed. Either way callers subscribe to each exactly once, and chain the next append to a stream after
 * the previous one completed when their order matters.
 */
public interface EventLog {

    /**
     * Append an event to a stream, stamping it with the stream's next sequence number, and deliver it to the
     * stream's live subscribers. Never blocks on subscribers.
     *
     * @return the stored event (with its {@code seq}, and its {@code jobSeq} as the log numbered it); fails when the
     *     event could not be stored
     */
    Mono<JobEvent> append(String stream, JobEvent event);

    /**
     * Append a job event to {@code stream}, then to each of {@code alsoTo} in order with the {@code seq} it got in
     * {@code stream} as its {@code jobSeq} (how a job event is shared with its batch's and user's streams). A shared
     * log may do it all in one step; by default it is one {@link #append} after the other, and what was appended
     * stays when a later append fails.
     *
     * @return the event as stored in {@code stream}
     */
    default Mono<JobEvent> appendShared(String stream, List<String> alsoTo, JobEvent event) {
        return append(stream, event).flatMap(stored -> Flux.fromIterable(alsoTo)
                .concatMap(other -> append(other, event.withJobSeq(stored.seq())))
                .then(Mono.just(stored)));
    }

    /**
     * Open a subscription, atomically with respect to {@link #append}: no event is lost or repeated between the
     * replay and the live part.
     *
     * <p>Events come in batches, in sequence order: a batch is what was available to send at once (a burst, or a
     * slow subscriber's backlog), so a subscriber can write it in one go; each batch counts as one against demand,
     * and none is empty. With {@code afterSeq >= 0} the flux first replays retained events with
     * {@code seq > afterSeq}, then goes on live. If events after {@code afterSeq} are no longer held (a gap), nothing
     * is replayed, {@link Opened#gap()} is true and the flux goes on live from {@link Opened#lastSeq()}. With
     * {@code afterSeq < 0} the flux is live only. Delivery never runs on the appending thread.
     *
     * <p>For a slow subscriber, an undelivered {@link EventType#PROGRESS} event of a job is skipped when a newer
     * progress event of the same job follows (latest wins). Other events are never dropped; a subscriber that falls
     * so far behind that its next event is no longer retained completes early, so the client reconnects with its
     * last id. The flux never completes by itself otherwise; cancel it to unsubscribe, which frees everything held
     * for it. Once the returned Mono has emitted, the subscription is registered: consume it or {@linkplain
     * Opened#release() release} it.
     */
    Mono<Opened> open(String stream, long afterSeq);

    /** Return the last sequence number appended to a stream, 0 if none (or forgotten). */
    Mono<Long> lastSeq(String stream);

    /**
     * Return the last event appended to a stream, empty if none (or forgotten). When it was appended with
     * {@link #appendShared}, the streams it was shared with hold it too.
     */
    Mono<JobEvent> last(String stream);

    /** Forget a stream's retained events and complete its live subscribers. */
    void close(String stream);

    /**
     * Delete a stream for good: its events and its sequence numbers, wherever the log keeps them (for a shared log,
     * for every replica), and complete its live subscribers here. A later append starts the stream over at 1.
     */
    Mono<Void> delete(String stream);

    /**
     * End every live subscription of this instance once its subscriber has been sent everything appended so far
     * (shutdown: clients get the last events, such as {@code interrupted}, before their streams end). A subscriber
     * that asks for nothing more is not waited for here; callers bound the wait themselves.
     */
    void endSubscriptions();

    /**
     * Describe an opened subscription.
     *
     * @param lastSeq the stream's last sequence number at the moment of opening
     * @param gap true when {@code afterSeq} asked for events that are no longer held
     * @param batches replayed events (if any), then live events, in batches; subscribe at most once
     * @param onRelease unregisters the subscription when {@code batches} will not be subscribed after all
     */
    record Opened(long lastSeq, boolean gap, Flux<List<JobEvent>> batches, Runnable onRelease) {

        /**
         * Let go of a subscription nobody will consume (a finished job's snapshot, a failed snapshot, a client gone
         * before the body started); a subscription that was consumed is released by cancelling it instead.
         */
        public void release() {
            onRelease.run();
        }
    }
}
