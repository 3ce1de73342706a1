package dev.enrich.backend.memory;

import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * Buffer one subscriber's undelivered events and emit them as demand allows (single-subscriber flux).
 *
 * <p>A pending {@link EventType#PROGRESS} event of a job is replaced by that job's newer one, which moves to the tail.
 * When more than {@code capacity} events are pending, the buffer drops them all and completes. Producers call
 * {@link #offer} (serialized by the stream's lock) and then {@link #drain} outside any lock; a work-in-progress
 * counter keeps emission on one thread at a time, in order.
 */
final class ConflatingBuffer extends Flux<JobEvent> implements Subscription {

    private static final AtomicLongFieldUpdater<ConflatingBuffer> REQUESTED =
            AtomicLongFieldUpdater.newUpdater(ConflatingBuffer.class, "requested");

    private final int capacity;
    private final Consumer<ConflatingBuffer> onCancel;
    private final AtomicBoolean subscribedOnce = new AtomicBoolean();
    private final AtomicInteger wip = new AtomicInteger();

    /** Pending events keyed by {@link ProgressKey} (conflatable) or by their {@code Long} seq; guarded by this. */
    private final LinkedHashMap<Object, JobEvent> pending = new LinkedHashMap<>();

    /** No more events will be added; guarded by this. */
    private boolean done;

    private volatile long requested;
    private volatile boolean cancelled;
    private volatile @Nullable CoreSubscriber<? super JobEvent> actual;

    /** Only touched inside the drain loop. */
    private boolean terminated;

    ConflatingBuffer(int subscriberBuffer, List<JobEvent> replay, Consumer<ConflatingBuffer> onCancel) {
        // Replayed events are already held by the stream; they don't count against the live allowance.
        this.capacity = subscriberBuffer + replay.size();
        this.onCancel = onCancel;
        for (JobEvent event : replay) {
            offer(event);
        }
    }

    /**
     * Enqueue an event, conflating progress; return false if the buffer is (now) finished and must be unregistered.
     */
    synchronized boolean offer(JobEvent event) {
        if (done || cancelled) {
            return false;
        }
        Object key = keyOf(event);
        if (key instanceof ProgressKey) {
            pending.remove(key);
        }
        pending.put(key, event);
        if (pending.size() > capacity) {
            pending.clear();
            done = true;
            return false;
        }
        return true;
    }

    /** Complete after the pending events have been delivered. */
    void complete() {
        synchronized (this) {
            done = true;
        }
        drain();
    }

    /** Return the number of undelivered events. */
    synchronized int pendingCount() {
        return pending.size();
    }

    @Override
    public void subscribe(CoreSubscriber<? super JobEvent> subscriber) {
        if (!subscribedOnce.compareAndSet(false, true)) {
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
        if (cancelled) {
            return;
        }
        cancelled = true;
        onCancel.accept(this);
        drain();
    }

    /** Emit what demand allows; safe to call from any thread at any time. */
    void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            CoreSubscriber<? super JobEvent> subscriber = actual;
            if (cancelled) {
                release();
            } else if (subscriber != null && !terminated) {
                emit(subscriber);
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void emit(CoreSubscriber<? super JobEvent> subscriber) {
        long demand = requested;
        long emitted = 0;
        for (;;) {
            if (cancelled) {
                release();
                return;
            }
            JobEvent next = null;
            boolean finished;
            synchronized (this) {
                finished = done && pending.isEmpty();
                if (!finished && emitted != demand && !pending.isEmpty()) {
                    next = pollFirst();
                }
            }
            if (finished) {
                terminated = true;
                actual = null;
                subscriber.onComplete();
                return;
            }
            if (next == null) {
                break;
            }
            subscriber.onNext(next);
            emitted++;
        }
        if (emitted != 0) {
            Operators.produced(REQUESTED, this, emitted);
        }
    }

    private JobEvent pollFirst() {
        Iterator<Map.Entry<Object, JobEvent>> it = pending.entrySet().iterator();
        JobEvent first = it.next().getValue();
        it.remove();
        return first;
    }

    private void release() {
        synchronized (this) {
            pending.clear();
            done = true;
        }
        actual = null;
    }

    private static Object keyOf(JobEvent event) {
        String jobId = event.jobId();
        if (event.type() == EventType.PROGRESS && jobId != null) {
            return new ProgressKey(jobId);
        }
        return event.seq();
    }

    /** Name the single conflation slot a job's progress events share. */
    private record ProgressKey(String jobId) {}
}
