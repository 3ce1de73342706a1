package dev.enrich.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Write events as Server-Sent Events frames, each logged event once however many streams send it.
 *
 * <p>A frame is {@code id:<seq>}, {@code event:<type>}, {@code data:<JSON>} and a blank line, in UTF-8. Every
 * subscriber of a stream receives the same {@link JobEvent} instance from the event log, so frames are cached by
 * identity (weak keys: an entry goes with its event), and so is the last batch's chunk: a delivery is mostly a
 * copy-free wrap of shared bytes. Snapshots are made per subscriber and not cached.
 */
final class SseFrames {

    /** The first frame of every stream: the reconnection delay, and a comment that flushes the headers. */
    static final byte[] OPEN = ascii("retry:3000\n:stream open\n\n");
    /** A comment that keeps an idle stream from being cut by proxies. */
    static final byte[] HEARTBEAT = ascii(":heartbeat\n\n");

    /**
     * Return the last frame of a stream that a shutdown ends: the delay after which the client should reconnect (to
     * another replica, as this one is leaving), and a comment saying why.
     */
    static byte[] reconnect(Duration after) {
        return ascii("retry:" + after.toMillis() + "\n:restarting, reconnect\n\n");
    }

    private final JsonMapper json;
    private final Cache<JobEvent, byte[]> written = Caffeine.newBuilder().weakKeys().maximumSize(16_384).build();
    /**
     * The last batch written: the event log hands the same batch instance to every subscriber of a stream that was
     * at the same position, one after the other, so this one slot spares all but the first the copying.
     */
    private volatile @Nullable Written last;

    SseFrames(JsonMapper json) {
        this.json = json;
    }

    /**
     * Return the frames of a batch of events in one array, up to and including the first event that {@code ends}
     * the stream.
     */
    Chunk chunk(List<JobEvent> batch, Predicate<JobEvent> ends) {
        Written memo = last;
        if (memo != null && memo.batch() == batch && memo.ends() == ends) {
            return memo.chunk();
        }
        Chunk chunk = write(batch, ends);
        last = new Written(batch, ends, chunk);
        return chunk;
    }

    private Chunk write(List<JobEvent> batch, Predicate<JobEvent> ends) {
        if (batch.size() == 1) {
            JobEvent only = batch.get(0);
            return new Chunk(frame(only), ends.test(only));
        }
        byte[][] parts = new byte[batch.size()][];
        int count = 0;
        int size = 0;
        boolean end = false;
        for (JobEvent event : batch) {
            byte[] frame = frame(event);
            parts[count++] = frame;
            size += frame.length;
            if (ends.test(event)) {
                end = true;
                break;
            }
        }
        byte[] bytes = new byte[size];
        for (int i = 0, at = 0; i < count; at += parts[i].length, i++) {
            System.arraycopy(parts[i], 0, bytes, at, parts[i].length);
        }
        return new Chunk(bytes, end);
    }

    /** Return the frame of an event. */
    byte[] frame(JobEvent event) {
        return event.type() == EventType.SNAPSHOT ? write(event) : written.get(event, this::write);
    }

    private byte[] write(JobEvent event) {
        // Compact JSON escapes line breaks inside strings, so the data fits on one `data:` line.
        String data = json.writeValueAsString(event);
        return ("id:" + event.seq() + "\nevent:" + event.type().id() + "\ndata:" + data + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Carry the frames of a batch.
     *
     * @param bytes the frames, in order
     * @param ends true when the last of them ends the stream
     */
    record Chunk(byte[] bytes, boolean ends) {}

    private record Written(List<JobEvent> batch, Predicate<JobEvent> ends, Chunk chunk) {}

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
