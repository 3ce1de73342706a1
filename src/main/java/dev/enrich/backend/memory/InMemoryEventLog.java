package dev.enrich.backend.memory;

import dev.enrich.events.EventLog;
import dev.enrich.events.JobEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Keep event streams in memory, for a single instance (adapter of {@link EventLog}).
 *
 * <p>Each stream retains its last {@code retainPerStream} events in a ring. At most {@code maxStreams} streams are
 * kept; beyond that the least recently appended stream is forgotten and its live subscribers complete. Subscribers
 * read the ring through a cursor of their own, so a slow one holds no events (undelivered progress events of a job
 * conflate, latest wins); one that falls more than {@code retainPerStream} events behind completes, so the client
 * reconnects with its last id. Thread-safe; {@link #append} costs the same whatever the number of subscribers:
 * delivery runs on the {@code fanout} scheduler, never on the publisher's thread.
 *
 * <p>{@link #append} and {@link #lastSeq} do their work at the call and return a completed Mono; {@link #open} opens
 * when subscribed, on the subscriber's thread. {@link #openNow} and {@link #lastSeqNow} answer at once, for a shared
 * log that mirrors its streams here.
 */
public final class InMemoryEventLog implements EventLog {

    private final int retainPerStream;
    private final int maxStreams;
    private final Scheduler fanout;
    private final long intervalNanos;

    /** Streams from least to most recently appended; guarded by itself. */
    private final Map<String, EventStream> streams = new LinkedHashMap<>();

    /**
     * Create an empty log.
     *
     * @param retainPerStream events kept per stream for replay
     * @param maxStreams streams kept before the least recently appended one is evicted
     * @param fanout where events are delivered to subscribers (non-blocking work)
     * @param deliveryInterval the least time between two delivery rounds of one stream; events appended in between
     *     reach each subscriber together, in one batch (zero: a round per append when subscribers keep up)
     * @throws IllegalArgumentException if a number is not positive or the interval is negative
     */
    public InMemoryEventLog(int retainPerStream, int maxStreams, Scheduler fanout, Duration deliveryInterval) {
        this.retainPerStream = requirePositive("retainPerStream", retainPerStream);
        this.maxStreams = requirePositive("maxStreams", maxStreams);
        this.fanout = Objects.requireNonNull(fanout, "fanout");
        if (deliveryInterval.isNegative()) {
            throw new IllegalArgumentException("deliveryInterval must be >= 0, but was " + deliveryInterval);
        }
        this.intervalNanos = deliveryInterval.toNanos();
    }

    /** Append at once, on the calling thread; the returned Mono has completed already. */
    @Override
    public Mono<JobEvent> append(String stream, JobEvent event) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(event, "event");
        List<EventStream> evicted = new ArrayList<>(0);
        JobEvent stored = appendTo(stream, event, evicted);
        evicted.forEach(EventStream::close);
        return Mono.just(stored);
    }

    // Append to the named stream, adding the stream an acquire evicts to `evicted` for the caller to close.
    private JobEvent appendTo(String stream, JobEvent event, List<EventStream> evicted) {
        for (;;) {
            JobEvent stored = acquire(stream, true, evicted).append(event);
            if (stored != null) {
                return stored;
            }
            // Evicted or closed between lookup and append: look it up (and recreate it) again.
        }
    }

    /**
     * Append at once, on the calling thread, under the lock of {@code stream}: {@link #last} of that stream finds the
     * event in every stream of {@code alsoTo} already (lock order: {@code stream}, then each of {@code alsoTo}).
     * Streams evicted meanwhile are closed after the lock is let go (closing one takes its own lock).
     */
    @Override
    public Mono<JobEvent> appendShared(String stream, List<String> alsoTo, JobEvent event) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(alsoTo, "alsoTo");
        Objects.requireNonNull(event, "event");
        List<EventStream> evicted = new ArrayList<>(0);
        try {
            for (;;) {
                EventStream own = acquire(stream, true, evicted);
                synchronized (own) {
                    JobEvent stored = own.append(event);
                    if (stored != null) {
                        JobEvent shared = event.withJobSeq(stored.seq());
                        for (String other : alsoTo) {
                            appendTo(other, shared, evicted);
                        }
                        return Mono.just(stored);
                    }
                }
            }
        } finally {
            evicted.forEach(EventStream::close);
        }
    }

    /** Answer at once; the returned Mono has completed already. */
    @Override
    public Mono<JobEvent> last(String stream) {
        EventStream found = find(stream);
        return Mono.justOrEmpty(found == null ? null : found.last());
    }

    /** Open when subscribed, on the subscriber's thread (see {@link #openNow}). */
    @Override
    public Mono<Opened> open(String stream, long afterSeq) {
        Objects.requireNonNull(stream, "stream");
        return Mono.fromSupplier(() -> openNow(stream, afterSeq));
    }

    /** Answer at once (see {@link #lastSeqNow}); the returned Mono has completed already. */
    @Override
    public Mono<Long> lastSeq(String stream) {
        return Mono.just(lastSeqNow(stream));
    }

    /** Open a subscription at once, as {@link EventLog#open} describes; the caller consumes or releases it. */
    public Opened openNow(String stream, long afterSeq) {
        Objects.requireNonNull(stream, "stream");
        for (;;) {
            Opened opened = acquire(stream, false).open(afterSeq);
            if (opened != null) {
                return opened;
            }
        }
    }

    /** Return the last sequence number this log holds for a stream, 0 if none. */
    public long lastSeqNow(String stream) {
        EventStream found = find(stream);
        return found == null ? 0 : found.lastSeq();
    }

    @Override
    public void close(String stream) {
        EventStream removed;
        synchronized (streams) {
            removed = streams.remove(stream);
        }
        if (removed != null) {
            removed.close();
        }
    }

    /** Close the stream: in memory, its events and numbers live nowhere else. */
    @Override
    public Mono<Void> delete(String stream) {
        return Mono.fromRunnable(() -> close(stream));
    }

    // In memory the streams die with the process anyway: closing them delivers what they hold, then completes.
    @Override
    public void endSubscriptions() {
        EventStream[] all;
        synchronized (streams) {
            all = streams.values().toArray(new EventStream[0]);
            streams.clear();
        }
        for (EventStream stream : all) {
            stream.close();
        }
    }

    /**
     * Store an event numbered by a shared log (this log then mirrors it for local subscribers): the stream's next
     * event is stored and delivered, one already held is ignored. An event that does not follow the last one held (a
     * missed notification) restarts the stream from it: its subscribers complete, so their clients resume with their
     * last id from the shared log.
     */
    public void offer(String stream, JobEvent numbered) {
        Objects.requireNonNull(numbered, "numbered");
        if (numbered.seq() <= 0) {
            throw new IllegalArgumentException("seq must be > 0, but was " + numbered.seq());
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            if (acquire(stream, true).offer(numbered)) {
                return;
            }
            close(stream);
        }
    }

    /** Return the oldest sequence number a stream still holds, {@code lastSeq + 1} when it holds none. */
    public long oldestHeld(String stream) {
        EventStream found = find(stream);
        if (found == null) {
            return 1;
        }
        long last = found.lastSeq();
        return last == 0 ? 1 : found.oldestHeld(last);
    }

    /** Return the number of live subscribers of a stream, 0 if the stream is unknown. */
    public int subscriberCount(String stream) {
        EventStream found = find(stream);
        return found == null ? 0 : found.subscriberCount();
    }

    /** Return the last sequence number of a stream released to its subscribers by a delivery round, 0 if unknown. */
    long releasedSeq(String stream) {
        EventStream found = find(stream);
        return found == null ? 0 : found.released();
    }

    /** Return the number of streams currently kept. */
    public int streamCount() {
        synchronized (streams) {
            return streams.size();
        }
    }

    private @Nullable EventStream find(String stream) {
        synchronized (streams) {
            return streams.get(stream);
        }
    }

    /** Return the named stream, creating it (and evicting the stalest one) if needed; appends move it to the end. */
    private EventStream acquire(String name, boolean appending) {
        List<EventStream> evicted = new ArrayList<>(0);
        EventStream stream = acquire(name, appending, evicted);
        evicted.forEach(EventStream::close);
        return stream;
    }

    // As above, adding the stream it evicts to `evicted` for the caller to close.
    private EventStream acquire(String name, boolean appending, List<EventStream> evicted) {
        EventStream stream;
        synchronized (streams) {
            stream = appending ? streams.remove(name) : streams.get(name);
            boolean absent = stream == null;
            if (stream == null) {
                stream = new EventStream(retainPerStream, fanout, intervalNanos);
            }
            if (appending || absent) {
                streams.put(name, stream);
            }
            if (streams.size() > maxStreams) {
                Iterator<EventStream> eldest = streams.values().iterator();
                evicted.add(eldest.next());
                eldest.remove();
            }
        }
        return stream;
    }

    private static int requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + value);
        }
        return value;
    }
}
