package dev.enrich.backend.memory;

import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import java.util.List;
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

    /** Sequence number of the last event delivered or skipped (conflated); only touched inside the drain loop. */
    private long cursor;
    /** Only touched inside the drain loop. */
    private boolean terminated;

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
        if (cursor == 0) {
            // Opened on an empty mirror stream: everything from where the stream starts is new to it.
            cursor = stream.base();
        }
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
        while (cursor < last && emitted != demand && !cancelled) {
            // Subscribers at the same position (most of them, in a round) get the same batch, built once.
            List<JobEvent> batch = stream.batch(cursor, last);
            if (batch == null) {
                // Fell behind what the ring holds: end, so the client resumes with its last id.
                finish(subscriber);
                return;
            }
            if (batch.size() > MAX_BATCH) {
                // The rest is conflated again from the new cursor next time: what was skipped here stays skipped.
                batch = List.copyOf(batch.subList(0, MAX_BATCH));
                cursor = batch.get(MAX_BATCH - 1).seq();
            } else {
                cursor = last;
            }
            subscriber.onNext(batch);
            emitted++;
        }
        if (emitted != 0) {
            Operators.produced(REQUESTED, this, emitted);
        }
        if (closed && cursor >= last && !cancelled) {
            finish(subscriber);
        }
    }

    private void finish(CoreSubscriber<? super List<JobEvent>> subscriber) {
        terminated = true;
        actual = null;
        stream.remove(this);
        subscriber.onComplete();
    }
}
