package dev.enrich.backend.memory;

import dev.enrich.events.EventLog;
import dev.enrich.events.JobEvent;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Keep event streams in memory, for a single instance (adapter of {@link EventLog}).
 *
 * <p>Each stream retains its last {@code retainPerStream} events. At most {@code maxStreams} streams are kept; beyond
 * that the least recently appended stream is forgotten and its live subscribers complete. Each subscriber has its own
 * buffer of at most {@code subscriberBuffer} undelivered live events (progress events of a job conflate, latest
 * wins); when it overflows, the subscriber's flux completes so the client reconnects with its last id. Thread-safe;
 * {@link #append} never waits on subscribers.
 */
public final class InMemoryEventLog implements EventLog {

    private final int retainPerStream;
    private final int maxStreams;
    private final int subscriberBuffer;

    /** Streams from least to most recently appended; guarded by itself. */
    private final Map<String, EventStream> streams = new LinkedHashMap<>();

    /**
     * Create an empty log.
     *
     * @param retainPerStream events kept per stream for replay
     * @param maxStreams streams kept before the least recently appended one is evicted
     * @param subscriberBuffer undelivered live events a subscriber may fall behind by before its flux completes
     * @throws IllegalArgumentException if any argument is not positive
     */
    public InMemoryEventLog(int retainPerStream, int maxStreams, int subscriberBuffer) {
        this.retainPerStream = requirePositive("retainPerStream", retainPerStream);
        this.maxStreams = requirePositive("maxStreams", maxStreams);
        this.subscriberBuffer = requirePositive("subscriberBuffer", subscriberBuffer);
    }

    @Override
    public JobEvent append(String stream, JobEvent event) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(event, "event");
        for (;;) {
            JobEvent stored = acquire(stream, true).append(event);
            if (stored != null) {
                return stored;
            }
            // Evicted or closed between lookup and append: look it up (and recreate it) again.
        }
    }

    @Override
    public Opened open(String stream, long afterSeq) {
        Objects.requireNonNull(stream, "stream");
        for (;;) {
            Opened opened = acquire(stream, false).open(afterSeq, subscriberBuffer);
            if (opened != null) {
                return opened;
            }
        }
    }

    @Override
    public long lastSeq(String stream) {
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

    /** Return the number of live subscribers of a stream, 0 if the stream is unknown. */
    public int subscriberCount(String stream) {
        EventStream found = find(stream);
        return found == null ? 0 : found.subscriberCount();
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
        EventStream stream;
        EventStream evicted = null;
        synchronized (streams) {
            stream = appending ? streams.remove(name) : streams.get(name);
            boolean absent = stream == null;
            if (stream == null) {
                stream = new EventStream(retainPerStream);
            }
            if (appending || absent) {
                streams.put(name, stream);
            }
            if (streams.size() > maxStreams) {
                Iterator<EventStream> eldest = streams.values().iterator();
                evicted = eldest.next();
                eldest.remove();
            }
        }
        if (evicted != null) {
            evicted.close();
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
