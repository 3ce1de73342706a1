package dev.enrich.backend.redis;

import dev.enrich.backend.memory.InMemoryEventLog;
import dev.enrich.events.EventLog;
import dev.enrich.events.JobEvent;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Keep event streams in Redis, shared by every replica (adapter of {@link EventLog}).
 *
 * <p>Each event is numbered, stored and announced by one Lua script: {@code INCR} of the stream's counter,
 * {@code XADD enrich:{stream:<name>}:events MAXLEN ~ retain <seq>-0 ...}, then {@code PUBLISH} of a notification
 * carrying the event on {@code <channelPrefix><tenant>}; a replica therefore never hears of an entry that does not
 * exist. A job's stream and counter expire {@code ttlAfterEnd} after its terminal event.
 *
 * <p>Each replica holds one pattern subscription ({@code <channelPrefix>*}) and feeds every notification into an
 * in-memory mirror ({@link InMemoryEventLog#offer}), whose delivery rounds, conflation and shared batches serve the
 * replica's subscribers: many subscribers cost no Redis connection or polling loop of their own.
 *
 * <p>The port is synchronous, Redis is not: {@link #append} sends the script and returns at once, with the event not
 * yet numbered (seq 0; events appended to batch and user streams take their job stream's number in the script);
 * {@link #lastSeq} and {@link #open} answer from the mirror, and an {@link #open} the mirror cannot serve replays from
 * Redis ({@link #resume}, which reports gaps exactly).
 */
public final class RedisEventLog implements EventLog {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEventLog.class);
    private static final int MAX_BATCH = 256;

    // KEYS: counter, stream, job counter. ARGV: retain, jobSeq, json, channel, stream name, tenant, ttl s, job-seq mode.
    private static final RedisScript<List> APPEND = RedisScript.of("""
            local seq = redis.call('INCR', KEYS[1])
            local jobSeq = tonumber(ARGV[2])
            if ARGV[8] == 'self' then
              jobSeq = seq
            elseif ARGV[8] == 'job' then
              jobSeq = tonumber(redis.call('GET', KEYS[3]) or '0')
            end
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], seq .. '-0', 'j', jobSeq, 't', ARGV[6], 'e', ARGV[3])
            local ttl = tonumber(ARGV[7])
            if ttl > 0 then
              redis.call('EXPIRE', KEYS[1], ttl)
              redis.call('EXPIRE', KEYS[2], ttl)
            end
            redis.call('PUBLISH', ARGV[4], ARGV[5] .. '\\n' .. seq .. '\\n' .. jobSeq .. '\\n' .. ARGV[6] .. '\\n' .. ARGV[3])
            return {seq, jobSeq}
            """, List.class);

    private final LettuceConnectionFactory factory;
    private final ReactiveStringRedisTemplate redis;
    private final RedisEventCodec codec;
    private final RedisEventsProperties settings;
    private final InMemoryEventLog mirror;
    /** Per stream, the oldest sequence number Redis was found to hold (learned by a resume that found a gap). */
    private final Map<String, Long> floors;

    private @Nullable StatefulRedisPubSubConnection<String, String> subscription;
    private @Nullable Disposable listening;

    /**
     * Create a log on a started connection factory; {@link #start()} subscribes to notifications.
     *
     * @param fanout where the mirror delivers events to subscribers (non-blocking work)
     * @param deliveryInterval the least time between two delivery rounds of one stream (see {@link InMemoryEventLog})
     */
    public RedisEventLog(LettuceConnectionFactory factory, tools.jackson.databind.json.JsonMapper json,
            RedisEventsProperties settings, Scheduler fanout, Duration deliveryInterval) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.redis = new ReactiveStringRedisTemplate(factory);
        this.codec = new RedisEventCodec(json);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.mirror = new InMemoryEventLog(settings.retain(), settings.mirrorStreams(), fanout, deliveryInterval);
        int maxFloors = settings.mirrorStreams();
        this.floors = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > maxFloors;
            }
        };
    }

    /** Subscribe to every replica's notifications: one connection, one pattern; Lettuce resubscribes on reconnect. */
    public synchronized void start() {
        if (subscription != null) {
            return;
        }
        StatefulRedisPubSubConnection<String, String> connection =
                ((RedisClient) Objects.requireNonNull(factory.getNativeClient(), "native client")).connectPubSub();
        listening = connection.reactive().observePatterns().subscribe(message -> receive(message.getMessage()),
                error -> LOG.error("Event notifications ended", error));
        connection.sync().psubscribe(settings.channelPrefix() + "*");
        subscription = connection;
    }

    /** Unsubscribe and close the subscription connection; live subscribers are ended by {@link #endSubscriptions}. */
    public synchronized void stop() {
        if (listening != null) {
            listening.dispose();
            listening = null;
        }
        if (subscription != null) {
            subscription.closeAsync();
            subscription = null;
        }
    }

    private void receive(String message) {
        try {
            RedisEventCodec.Notification notification = codec.notification(message);
            mirror.offer(notification.stream(), notification.event());
        } catch (RuntimeException e) {
            LOG.warn("Ignored an event notification that could not be read", e);
        }
    }

    /** Send the append script and return at once: the event comes back unnumbered (seq 0); see {@link #write}. */
    @Override
    public JobEvent append(String stream, JobEvent event) {
        write(stream, event).subscribe(null,
                error -> LOG.warn("Could not append an event to {}: {}", stream, error.toString()));
        return event;
    }

    /** Number, store and announce an event in Redis; emit it as numbered there. */
    public Mono<JobEvent> write(String stream, JobEvent event) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(event, "event");
        String jobStream = event.jobId() == null ? null : "job:" + event.jobId();
        String mode = event.jobSeq() != 0 || jobStream == null ? "none" : jobStream.equals(stream) ? "self" : "job";
        long ttl = stream.startsWith("job:") && event.type().isTerminal() ? settings.ttlAfterEnd().toSeconds() : 0;
        List<String> keys = List.of(counterKey(stream), streamKey(stream),
                counterKey(jobStream == null ? stream : jobStream));
        List<String> args = List.of(String.valueOf(settings.retain()), String.valueOf(event.jobSeq()),
                codec.write(event), settings.channelPrefix() + event.tenant(), stream, event.tenant(),
                String.valueOf(ttl), mode);
        return redis.execute(APPEND, keys, args).next().map(reply -> {
            long seq = ((Number) reply.get(0)).longValue();
            long jobSeq = ((Number) reply.get(1)).longValue();
            return event.withSeq(seq).withJobSeq(jobSeq);
        });
    }

    /**
     * Open a subscription from this replica's mirror; when the mirror does not hold what {@code afterSeq} asks for,
     * replay it from Redis ({@link #resume}) with {@code lastSeq = afterSeq}, and when Redis no longer holds it
     * either, complete at once (the client reconnects and is then told of the gap).
     */
    @Override
    public Opened open(String stream, long afterSeq) {
        Objects.requireNonNull(stream, "stream");
        long last = mirror.lastSeq(stream);
        boolean mirrored = last > 0 && (afterSeq >= last || afterSeq + 1 >= mirror.oldestHeld(stream));
        if (afterSeq < 0 || mirrored || (last > 0 && afterSeq + 1 < floor(stream))) {
            return mirror.open(stream, afterSeq);
        }
        Flux<List<JobEvent>> replayed = resume(stream, afterSeq)
                .flatMapMany(opened -> opened.gap() ? Mono.fromRunnable(opened::release) : opened.batches());
        return new Opened(afterSeq, false, replayed, () -> { });
    }

    /**
     * Open a subscription replaying from Redis, gap-free: the mirror's live feed is opened first (it buffers), then
     * {@code XRANGE} reads what follows {@code afterSeq}, which is sent first, then live events not already sent.
     * When Redis no longer holds {@code afterSeq + 1}, {@link Opened#gap()} is true and only live events follow.
     */
    public Mono<Opened> resume(String stream, long afterSeq) {
        return Mono.defer(() -> {
            Opened live = mirror.open(stream, -1);
            return range(stream, afterSeq + 1).collectList().map(events -> {
                boolean gap = afterSeq >= 0 && !events.isEmpty() && events.get(0).seq() > afterSeq + 1;
                long last = events.isEmpty() ? Math.max(live.lastSeq(), afterSeq) : events.get(events.size() - 1).seq();
                if (gap) {
                    synchronized (floors) {
                        floors.put(stream, events.get(0).seq());
                    }
                }
                AtomicLong sent = new AtomicLong(last);
                Flux<List<JobEvent>> later = live.batches().mapNotNull(batch -> after(batch, sent.get()));
                Flux<List<JobEvent>> batches = gap || events.isEmpty() ? later
                        : Flux.fromIterable(chunks(events)).concatWith(later);
                return new Opened(last, gap, batches.doFinally(signal -> live.release()), live::release);
            }).doOnError(error -> live.release()).doOnCancel(live::release);
        });
    }

    /** Return the last sequence number this replica has seen appended to a stream (from any replica), 0 if none. */
    @Override
    public long lastSeq(String stream) {
        return mirror.lastSeq(stream);
    }

    /** Return the last sequence number Redis holds for a stream, 0 if none. */
    public Mono<Long> storedLastSeq(String stream) {
        return redis.opsForValue().get(counterKey(stream)).map(Long::parseLong).defaultIfEmpty(0L);
    }

    /** Forget the mirror of a stream and complete its subscribers here; Redis keeps it until it expires. */
    @Override
    public void close(String stream) {
        mirror.close(stream);
    }

    @Override
    public void endSubscriptions() {
        mirror.endSubscriptions();
    }

    /** Return the number of this replica's live subscribers of a stream. */
    public int subscriberCount(String stream) {
        return mirror.subscriberCount(stream);
    }

    private Flux<JobEvent> range(String stream, long fromSeq) {
        return redis.opsForStream().range(streamKey(stream),
                        Range.rightUnbounded(Range.Bound.inclusive(Math.max(fromSeq, 0) + "-0")))
                .map(this::event);
    }

    private JobEvent event(MapRecord<String, Object, Object> entry) {
        Map<Object, Object> fields = entry.getValue();
        long seq = Objects.requireNonNull(entry.getId().getTimestamp(), "entry id");
        return codec.read(String.valueOf(fields.get("e")), seq, Long.parseLong(String.valueOf(fields.get("j"))),
                String.valueOf(fields.get("t")));
    }

    private long floor(String stream) {
        synchronized (floors) {
            Long floor = floors.get(stream);
            return floor == null ? 0 : floor;
        }
    }

    private static @Nullable List<JobEvent> after(List<JobEvent> batch, long seq) {
        if (batch.get(0).seq() > seq) {
            return batch;
        }
        List<JobEvent> later = batch.stream().filter(e -> e.seq() > seq).toList();
        return later.isEmpty() ? null : later;
    }

    private static List<List<JobEvent>> chunks(List<JobEvent> events) {
        List<List<JobEvent>> chunks = new ArrayList<>();
        for (int i = 0; i < events.size(); i += MAX_BATCH) {
            chunks.add(List.copyOf(events.subList(i, Math.min(events.size(), i + MAX_BATCH))));
        }
        return chunks;
    }

    static String streamKey(String stream) {
        return "enrich:{stream:" + stream + "}:events";
    }

    static String counterKey(String stream) {
        return "enrich:{stream:" + stream + "}:seq";
    }
}
