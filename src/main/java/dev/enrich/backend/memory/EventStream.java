package dev.enrich.backend.memory;

import dev.enrich.events.EventLog;
import dev.enrich.events.JobEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Hold one stream: its next sequence number, a ring of recent events and its live subscribers.
 *
 * <p>Appending and opening share this object's lock, so a subscriber sees each event either in its replay or live,
 * exactly once. Subscribers are only signalled outside the lock. Once closed, the stream refuses appends and opens
 * (callers then look the stream up again).
 */
final class EventStream {

    private static final ConflatingBuffer[] NONE = new ConflatingBuffer[0];

    private final int retain;
    private final ArrayDeque<JobEvent> retained;
    private final Set<ConflatingBuffer> subscribers = new LinkedHashSet<>();
    private long lastSeq;
    private boolean closed;

    EventStream(int retain) {
        this.retain = retain;
        this.retained = new ArrayDeque<>(Math.min(retain, 64));
    }

    /** Number, store and deliver an event; return null if the stream was closed meanwhile. */
    @Nullable JobEvent append(JobEvent event) {
        JobEvent stored;
        ConflatingBuffer[] targets;
        synchronized (this) {
            if (closed) {
                return null;
            }
            stored = event.withSeq(++lastSeq);
            retained.addLast(stored);
            if (retained.size() > retain) {
                retained.removeFirst();
            }
            targets = subscribers.toArray(NONE);
            for (ConflatingBuffer target : targets) {
                if (!target.offer(stored)) {
                    subscribers.remove(target);
                }
            }
        }
        for (ConflatingBuffer target : targets) {
            target.drain();
        }
        return stored;
    }

    /** Compute the replay and register a subscriber in one step; return null if the stream was closed meanwhile. */
    synchronized EventLog.@Nullable Opened open(long afterSeq, int subscriberBuffer) {
        if (closed) {
            return null;
        }
        boolean gap = false;
        List<JobEvent> replay = List.of();
        if (afterSeq >= 0 && afterSeq < lastSeq) {
            JobEvent oldest = retained.peekFirst();
            long oldestSeq = oldest == null ? lastSeq + 1 : oldest.seq();
            if (oldestSeq > afterSeq + 1) {
                gap = true;
            } else {
                replay = new ArrayList<>();
                for (JobEvent event : retained) {
                    if (event.seq() > afterSeq) {
                        replay.add(event);
                    }
                }
            }
        }
        ConflatingBuffer buffer = new ConflatingBuffer(subscriberBuffer, replay, this::remove);
        subscribers.add(buffer);
        return new EventLog.Opened(lastSeq, gap, buffer);
    }

    /** Forget retained events and complete live subscribers; later appends and opens are refused. */
    void close() {
        ConflatingBuffer[] targets;
        synchronized (this) {
            closed = true;
            retained.clear();
            targets = subscribers.toArray(NONE);
            subscribers.clear();
        }
        for (ConflatingBuffer target : targets) {
            target.complete();
        }
    }

    synchronized long lastSeq() {
        return closed ? 0 : lastSeq;
    }

    synchronized int subscriberCount() {
        return subscribers.size();
    }

    private synchronized void remove(ConflatingBuffer buffer) {
        subscribers.remove(buffer);
    }
}
