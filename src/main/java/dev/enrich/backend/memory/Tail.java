package dev.enrich.backend.memory;

import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * Follow one stream for one subscriber: a cursor into the stream's ring, read as demand allows (single-subscriber
 * flux of batches: each batch is every event available at the time, at most {@value #MAX_BATCH}, and counts as one
 * against demand).
 *
 * <p>Holds no events of its own, so a slow subscriber costs a few fields however far behind it is. Of the events it
 * has not yet delivered, a {@link EventType#PROGRESS} event of a job is skipped when a newer one of the same job
 * follows (latest wins). A subscriber that falls so far behind that the ring no longer holds its next event
 * completes, so the client reconnects with its last id. A work-in-progress counter keeps emission on one thread at a
 * time, in order; {@link #drain} may be called from any thread.
 */
final class Tail extends Flux<List<JobEvent>> implements Subscription {

    static final int MAX_BATCH = 256;

    private static final AtomicLongFieldUpdater<Tail> REQUESTED =
            AtomicLongFieldUpdater.newUpdater(Tail.class, "requested");
    private static final AtomicIntegerFieldUpdater<Tail> WIP = AtomicIntegerFieldUpdater.newUpdater(Tail.class, "wip");
    private static final AtomicIntegerFieldUpdater<Tail> SUBSCRIBED =
            AtomicIntegerFieldUpdater.newUpdater(Tail.class, "subscribed");

    private final EventStream stream;

    /** Sequence number of the last event delivered or skipped; only touched inside the drain loop. */
    private long cursor;
    /** Only touched inside the drain loop. */
    private boolean terminated;
    /**
     * While behind: the newest progress event per job among those read ahead (up to {@link #scannedUpTo}), and the
     * older ones they supersede, to be skipped. Drain loop only; null when caught up.
     */
    private @Nullable Map<String, Long> newestProgress;
    private @Nullable Set<Long> superseded;
    private long scannedUpTo;

    private volatile long requested;
    private volatile int wip;
    private volatile int subscribed;
    private volatile boolean cancelled;
    private volatile @Nullable CoreSubscriber<? super List<JobEvent>> actual;

    Tail(EventStream stream, long cursor) {
        this.stream = stream;
        this.cursor = cursor;
    }

    @Override
    public void subscribe(CoreSubscriber<? super List<JobEvent>> subscriber) {
        if (!SUBSCRIBED.compareAndSet(this, 0, 1)) {
            Operators.error(subscriber,
                    new IllegalStateException("An opened event stream allows only a single Subscriber"));
            return;
        }
        subscriber.onSubscribe(this);
        actual = subscriber;
        drain();
    }

    @Override
    public void request(long n) {
        if (Operators.validate(n)) {
            Operators.addCap(REQUESTED, this, n);
            drain();
        }
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            stream.remove(this);
            drain();
        }
    }

    /** Emit what demand allows; safe to call from any thread at any time. */
    void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            CoreSubscriber<? super List<JobEvent>> subscriber = actual;
            if (cancelled) {
                actual = null;
            } else if (subscriber != null && !terminated) {
                emit(subscriber);
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void emit(CoreSubscriber<? super List<JobEvent>> subscriber) {
        boolean closed = stream.isClosed();
        long appended = stream.appended();
        long last = stream.released();
        if (cursor < appended && cursor + 1 < stream.oldestHeld(appended)) {
            // Fell behind what the ring holds: end, so the client resumes with its last id.
            finish(subscriber);
            return;
        }
        long demand = requested;
        long emitted = 0;
        if (cursor < last && demand != 0 && newestProgress == null && last - cursor <= MAX_BATCH) {
            // The common case: caught up before this round, like most subscribers; the batch is built once, shared.
            List<JobEvent> batch = stream.batch(cursor, last);
            if (batch == null) {
                finish(subscriber);
                return;
            }
            cursor = last;
            if (!batch.isEmpty()) {
                subscriber.onNext(batch);
                emitted++;
            }
        }
        while (cursor < last && emitted != demand && !cancelled) {
            if (last - cursor > 1) {
                scanAhead(last);
            }
            Set<Long> skip = superseded;
            JobEvent first = null;
            List<JobEvent> batch = null;
            for (int n = 0; cursor < last && n < MAX_BATCH; ) {
                JobEvent next = stream.get(cursor + 1, last);
                if (next == null) {
                    // Fell behind what the ring holds: end, so the client resumes with its last id.
                    finish(subscriber);
                    return;
                }
                cursor++;
                if (skip != null && skip.contains(next.seq())) {
                    continue;
                }
                if (first == null) {
                    first = next;
                } else {
                    if (batch == null) {
                        batch = new ArrayList<>();
                        batch.add(first);
                    }
                    batch.add(next);
                }
                n++;
            }
            if (first != null) {
                subscriber.onNext(batch != null ? batch : List.of(first));
                emitted++;
            }
        }
        if (emitted != 0) {
            Operators.produced(REQUESTED, this, emitted);
        }
        if (cursor >= scannedUpTo) {
            newestProgress = null;
            superseded = null;
        }
        if (closed && cursor >= last && !cancelled) {
            finish(subscriber);
        }
    }

    // Each event is scanned once however the backlog is consumed, so a subscriber taking one event at a time stays O(1).
    private void scanAhead(long last) {
        if (newestProgress == null) {
            newestProgress = new HashMap<>();
            superseded = new HashSet<>();
            scannedUpTo = cursor;
        }
        for (long seq = Math.max(scannedUpTo, cursor) + 1; seq <= last; seq++) {
            JobEvent event = stream.get(seq, last);
            if (event == null) {
                break;
            }
            scannedUpTo = seq;
            if (event.type() == EventType.PROGRESS && event.jobId() != null) {
                Long older = newestProgress.put(event.jobId(), seq);
                if (older != null && older > cursor) {
                    superseded.add(older);
                }
            }
        }
    }

    private void finish(CoreSubscriber<? super List<JobEvent>> subscriber) {
        terminated = true;
        actual = null;
        stream.remove(this);
        subscriber.onComplete();
    }
}
