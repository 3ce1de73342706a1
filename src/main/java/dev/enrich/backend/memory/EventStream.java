package dev.enrich.backend.memory;

import dev.enrich.events.EventLog;
import dev.enrich.events.JobEvent;
import dev.enrich.events.EventType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

/**
 * Hold one stream: a ring of its recent events, its last sequence number and its live subscribers ({@link Tail}s).
 *
 * <p>Appending costs the publisher O(1) whatever the number of subscribers: the event is stored once in the ring and
 * one fan-out task is scheduled (at most one pending at a time, rounds at least an interval apart); that task, on the
 * fan-out scheduler, tells each subscriber to read what is new from the ring at its own pace, as one batch. Appends and opens share this object's lock, so a
 * subscriber sees each event exactly once, replayed or live. Readers never take the lock: the ring is published by
 * the volatile {@link #lastSeq}, and a slot whose event has been overwritten is detected by its sequence number.
 */
final class EventStream {

    private static final Tail[] NONE = new Tail[0];
    private static final int FIRST_CAPACITY = 16;
    /**
     * A round costs each subscriber a write (a system call and, on loopback, the reader's wake-up): rounds of a stream
     * with n subscribers are at least n times this apart (up to {@link #MAX_SUBSCRIBER_ROUND_NANOS}), so one stream
     * of up to 1,000 subscribers asks for at most 40,000 writes a second.
     */
    static final long ROUND_NANOS_PER_SUBSCRIBER = 25_000;
    /**
     * The most the subscriber count alone spaces rounds (reached at 1,000 subscribers): beyond that a round's own
     * writes take longer than the spacing would save, and the wait is added to every event's latency (10,000
     * subscribers would wait up to 250 ms). Under a burst the rounds still stretch (see {@link #dispatch}).
     */
    static final long MAX_SUBSCRIBER_ROUND_NANOS = 25_000_000;
    /** More new events than this in one round is a burst: the next round comes later (see {@link #dispatch}). */
    static final int BURST_EVENTS = 32;
    static final int MAX_STRETCH = 3;
    private static final AtomicIntegerFieldUpdater<EventStream> DISPATCH_PENDING =
            AtomicIntegerFieldUpdater.newUpdater(EventStream.class, "dispatchPending");

    private final int retain;
    private final int capacity;
    private final Scheduler fanout;
    private final long intervalNanos;
    /** How many intervals the next round waits: 1, or more during a burst. Races between rounds are harmless. */
    private volatile int stretch = 1;

    /** Slot {@code seq & (length - 1)} holds event {@code seq}; grows by doubling up to {@link #capacity}. */
    private volatile JobEvent[] ring;
    /** Written under the lock after the ring slot, so a reader that sees it also sees the event. */
    private volatile long lastSeq;
    /** The sequence number before the first event this stream ever held: 0, or more for a mirror joining late. */
    private volatile long base;
    /**
     * The last sequence number subscribers may be sent: raised to {@link #lastSeq} by each delivery round (and by an
     * open, for its replay). Events appended since wait for the next round even when a subscriber asks for more, so
     * under a burst each subscriber gets one write per round, not one per event.
     */
    private volatile long released;
    private volatile boolean closed;
    /** Copy-on-write under the lock, read without it. */
    private volatile Tail[] subscribers = NONE;
    private volatile int dispatchPending;
    /** The batch last built for subscribers at the same position; most subscribers of a round share it. */
    private volatile @Nullable Batch lastBatch;
    /** {@link System#nanoTime()} before which no new delivery round starts. */
    private volatile long nextRound;

    EventStream(int retain, Scheduler fanout, long intervalNanos) {
        this.retain = retain;
        this.capacity = Integer.highestOneBit(Math.max(retain, 1) * 2 - 1);
        this.fanout = fanout;
        this.intervalNanos = intervalNanos;
        this.ring = new JobEvent[Math.min(FIRST_CAPACITY, capacity)];
    }

    /** Number and store an event, then schedule its fan-out; return null if the stream was closed meanwhile. */
    @Nullable JobEvent append(JobEvent event) {
        JobEvent stored;
        synchronized (this) {
            if (closed) {
                return null;
            }
            long seq = lastSeq + 1;
            stored = event.numbered(seq);
            JobEvent[] slots = ring;
            store(stored);
        }
        signal();
        return stored;
    }

    /**
     * Store an event numbered elsewhere (a mirror of a shared log): the next one is stored, one already held is
     * ignored; the first one offered to an empty stream sets where it starts. Return false when the event does not
     * follow the last one held (a gap), or the stream was closed.
     */
    boolean offer(JobEvent numbered) {
        long seq = numbered.seq();
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (seq <= lastSeq) {
                return true;
            }
            if (lastSeq == 0 && base == 0) {
                base = seq - 1;
            } else if (seq != lastSeq + 1) {
                return false;
            }
            store(numbered);
        }
        signal();
        return true;
    }

    private void store(JobEvent stored) {
        long seq = stored.seq();
        JobEvent[] slots = ring;
        if (seq - base > slots.length && slots.length < capacity) {
            slots = grow(slots);
        }
        slots[(int) (seq & (slots.length - 1))] = stored;
        lastSeq = seq;
    }

    /** Check the replay and register a subscriber in one step; return null if the stream was closed meanwhile. */
    synchronized EventLog.@Nullable Opened open(long afterSeq) {
        if (closed) {
            return null;
        }
        long last = lastSeq;
        boolean gap = afterSeq >= 0 && afterSeq < last && afterSeq + 1 < oldestHeld(last);
        long cursor = afterSeq < 0 || gap ? last : Math.min(afterSeq, last);
        released = last;
        Tail tail = new Tail(this, cursor);
        Tail[] current = subscribers;
        Tail[] added = Arrays.copyOf(current, current.length + 1);
        added[current.length] = tail;
        subscribers = added;
        return new EventLog.Opened(last, gap, tail, tail::cancel);
    }

    /** Refuse later appends and opens; live subscribers get what is left, then complete. */
    void close() {
        synchronized (this) {
            closed = true;
            released = lastSeq;
        }
        for (Tail tail : subscribers) {
            tail.drain();
        }
        signal();
    }

    long lastSeq() {
        return closed ? 0 : lastSeq;
    }

    /** Return the last event appended, null if none or closed. */
    synchronized @Nullable JobEvent last() {
        return closed || lastSeq <= base ? null : get(lastSeq, lastSeq);
    }

    /** Return the last sequence number appended, even after closing (for subscribers finishing up). */
    long appended() {
        return lastSeq;
    }

    /** Return the last sequence number released to subscribers; never more than {@link #appended()}. */
    long released() {
        return released;
    }

    long base() {
        return base;
    }

    boolean isClosed() {
        return closed;
    }

    int subscriberCount() {
        return subscribers.length;
    }

    /** Return the oldest sequence number still held when the last one is {@code last}. */
    long oldestHeld(long last) {
        return Math.max(base + 1, last - retain + 1);
    }

    /**
     * Return event {@code seq}, or null when it is no longer held (a subscriber fell behind the ring); callers read
     * {@link #appended()} first and ask only for {@code seq <= } that value.
     */
    @Nullable JobEvent get(long seq, long last) {
        if (seq < oldestHeld(last)) {
            return null;
        }
        JobEvent[] slots = ring;
        JobEvent event = slots[(int) (seq & (slots.length - 1))];
        return event != null && event.seq() == seq ? event : null;
    }

    /**
     * Return the events in {@code (after, last]} as one batch, progress conflated (a job's progress event followed by
     * a newer one of the same job is left out), built once for every subscriber asking for the same range; null when
     * part of the range is no longer held.
     */
    @Nullable List<JobEvent> batch(long after, long last) {
        Batch cached = lastBatch;
        if (cached != null && cached.after() == after && cached.last() == last) {
            return cached.events();
        }
        List<JobEvent> events = new ArrayList<>((int) (last - after));
        Set<String> newerProgress = null;
        for (long seq = last; seq > after; seq--) {
            JobEvent event = get(seq, last);
            if (event == null) {
                return null;
            }
            if (event.type() == EventType.PROGRESS && event.jobId() != null) {
                if (newerProgress == null) {
                    newerProgress = new HashSet<>();
                }
                if (!newerProgress.add(event.jobId())) {
                    continue;
                }
            }
            events.add(event);
        }
        Collections.reverse(events);
        List<JobEvent> batch = Collections.unmodifiableList(events);
        lastBatch = new Batch(after, last, batch);
        return batch;
    }

    private record Batch(long after, long last, List<JobEvent> events) {}

    synchronized void remove(Tail tail) {
        Tail[] current = subscribers;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == tail) {
                Tail[] removed = new Tail[current.length - 1];
                System.arraycopy(current, 0, removed, 0, i);
                System.arraycopy(current, i + 1, removed, i, current.length - i - 1);
                subscribers = removed.length == 0 ? NONE : removed;
                return;
            }
        }
    }

    private JobEvent[] grow(JobEvent[] slots) {
        JobEvent[] bigger = new JobEvent[slots.length * 2];
        for (JobEvent event : slots) {
            if (event != null) {
                bigger[(int) (event.seq() & (bigger.length - 1))] = event;
            }
        }
        ring = bigger;
        return bigger;
    }

    // At most one fan-out task is pending per stream; an append during a running one schedules the next. Rounds are
    // at least intervalNanos apart (longer for many subscribers), so under a burst each subscriber gets one batch (one
    // write) per round.
    private void signal() {
        if (subscribers.length > 0 && DISPATCH_PENDING.compareAndSet(this, 0, 1)) {
            long wait = nextRound - System.nanoTime();
            if (wait > 0) {
                fanout.schedule(this::dispatch, wait, TimeUnit.NANOSECONDS);
            } else {
                fanout.schedule(this::dispatch);
            }
        }
    }

    /** Return the least time between two rounds of a stream with {@code subscribers} subscribers. */
    static long roundNanos(long intervalNanos, int subscribers) {
        return Math.max(intervalNanos,
                Math.min(MAX_SUBSCRIBER_ROUND_NANOS, subscribers * ROUND_NANOS_PER_SUBSCRIBER));
    }

    private void dispatch() {
        long round = roundNanos(intervalNanos, subscribers.length);
        nextRound = System.nanoTime() + round * stretch;
        // Reopen scheduling before reading what to release: an append after this point either is released now or
        // schedules the next round itself; never neither.
        dispatchPending = 0;
        long before;
        long now;
        Tail[] tails;
        synchronized (this) {
            before = released;
            now = lastSeq;
            released = now; // under the lock: two rounds running at once never move it back
            // Read with the release, under the lock open() registers under: a subscriber opened before this release
            // is drained by this round; one opened after it was opened with everything released so far.
            tails = subscribers;
        }
        // A burst (many events a round) stretches the rounds, up to MAX_STRETCH times: fewer, larger writes to every
        // subscriber while it lasts; the first quiet round brings the interval back, and with it the latency.
        stretch = now - before > BURST_EVENTS ? Math.min(MAX_STRETCH, stretch * 2) : 1;
        for (Tail tail : tails) {
            tail.drain();
        }
    }
}
