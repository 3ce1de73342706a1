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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
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
 * exist. A job's stream and counter expire {@code ttlAfterEnd} after its terminal event; a batch's or a user's
 * {@code ttlIdle} after its latest event, so no stream outlives its use.
 *
 * <p>Each replica holds one pattern subscription ({@code <channelPrefix>*}) and feeds every notification into an
 * in-memory mirror ({@link InMemoryEventLog#offer}), whose delivery rounds, conflation and shared batches serve the
 * replica's subscribers: many subscribers cost no Redis connection or polling loop of their own. A stream's
 * {@link #delete} publishes its name alone on {@code <channelPrefix>}: each mirror forgets the stream.
 *
 * <p>{@link #append} emits the event as the script numbered it, and {@link #lastSeq} reads the stream's counter, so
 * every replica gives the same answers. {@link #open} serves from the mirror when it holds what is asked for and
 * otherwise reads Redis: on a replica that never saw the stream, or for a client resuming further back (or further
 * on) than the mirror holds.
 */
public final class RedisEventLog implements EventLog {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEventLog.class);
    private static final int MAX_BATCH = 256;

    // K: counter and stream of each stream, in order. A: retain, jobSeq, json, channel, tenant, 'self' when the event
    // takes its seq as jobSeq (JobEvent#numbered), then name and ttl s of each stream. The first stream numbers the
    // event; the others get that seq as their jobSeq. Returns the first stream's seq and jobSeq.
    static final String APPEND_FUNCTION = """
            local function append(K, A)
              local first, firstJobSeq
              for i = 1, #K / 2 do
                local counter, stream = K[2 * i - 1], K[2 * i]
                local name, ttl = A[5 + 2 * i], tonumber(A[6 + 2 * i])
                local seq = redis.call('INCR', counter)
                local jobSeq = first
                if i == 1 then
                  jobSeq = A[6] == 'self' and seq or tonumber(A[2])
                  first, firstJobSeq = seq, jobSeq
                end
                redis.call('XADD', stream, 'MAXLEN', '~', A[1], seq .. '-0', 'j', jobSeq, 't', A[5], 'e', A[3])
                if ttl > 0 then
                  redis.call('EXPIRE', counter, ttl)
                  redis.call('EXPIRE', stream, ttl)
                end
                redis.call('PUBLISH', A[4], name .. '\\n' .. seq .. '\\n' .. jobSeq .. '\\n' .. A[5] .. '\\n' .. A[3])
              end
              return {first, firstJobSeq}
            end
            """;

    private static final RedisScript<List> APPEND = LuaScript.of(APPEND_FUNCTION + "return append(KEYS, ARGV)\n",
            List.class);

    // KEYS: counter, stream. ARGV: afterSeq. Returns the counter, then per entry after afterSeq (when afterSeq >= 0):
    // its id, jobSeq, tenant and json (the fields APPEND writes, in its order). One step, so nothing comes between.
    private static final RedisScript<List> READ = LuaScript.of("""
            local last = tonumber(redis.call('GET', KEYS[1]) or '0')
            local after = tonumber(ARGV[1])
            local out = {last}
            if after >= 0 and after < last then
              for _, entry in ipairs(redis.call('XRANGE', KEYS[2], (after + 1) .. '-0', '+')) do
                local f = entry[2]
                out[#out + 1] = entry[1]
                out[#out + 1] = f[2]
                out[#out + 1] = f[4]
                out[#out + 1] = f[6]
              end
            end
            return out
            """, List.class);

    // KEYS: stream. The last entry as READ gives each: id, jobSeq, tenant, body; nothing when the stream is empty.
    private static final RedisScript<List> LAST = LuaScript.of("""
            local entry = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
            if not entry then
              return {}
            end
            local f = entry[2]
            return {entry[1], f[2], f[4], f[6]}
            """, List.class);

    // KEYS: counter, stream. ARGV: channel, stream name (the deletion notice).
    private static final RedisScript<Long> DELETE = LuaScript.of("""
            redis.call('DEL', KEYS[1], KEYS[2])
            redis.call('PUBLISH', ARGV[1], ARGV[2])
            return 1
            """, Long.class);

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
        listening = connection.reactive().observePatterns().subscribe(message -> receive(message.getChannel(), message.getMessage()),
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

    private void receive(String channel, String message) {
        if (channel.equals(settings.channelPrefix())) { // the deletion channel: the message is the stream's name
            forget(message);
            return;
        }
        try {
            RedisEventCodec.Notification notification = codec.notification(message);
            mirror.offer(notification.stream(), notification.event());
        } catch (RuntimeException e) {
            LOG.warn("Ignored an event notification that could not be read", e);
        }
    }

    /**
     * Number, store and announce an event in Redis when subscribed; emit it as numbered there (like
     * {@link JobEvent#numbered}: a job event with no {@code jobSeq} takes its {@code seq}).
     */
    @Override
    public Mono<JobEvent> append(String stream, JobEvent event) {
        return appendShared(stream, List.of(), event);
    }

    /** Append to every stream in one script: one round trip, and no replica sees the event in one stream only. */
    @Override
    public Mono<JobEvent> appendShared(String stream, List<String> alsoTo, JobEvent event) {
        return Mono.defer(() -> {
            Append append = prepare(stream, alsoTo, event);
            return redis.execute(APPEND, append.keys(), append.args()).next()
                    .map(reply -> append.stored(reply.get(0), reply.get(1)));
        });
    }

    /** The keys and arguments of {@link #APPEND_FUNCTION} for a shared append (also run by {@link RedisJobMoves}). */
    Append prepare(String stream, List<String> alsoTo, JobEvent event) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(alsoTo, "alsoTo");
        Objects.requireNonNull(event, "event");
        String mode = event.jobSeq() == 0 && event.jobId() != null ? "self" : "none";
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of(String.valueOf(settings.retain()), String.valueOf(event.jobSeq()),
                codec.write(event), settings.channelPrefix() + event.tenant(), event.tenant(), mode));
        for (String name : concat(stream, alsoTo)) {
            long ttl = !name.startsWith("job:") ? settings.ttlIdle().toSeconds()
                    : event.type().isTerminal() ? settings.ttlAfterEnd().toSeconds() : 0;
            keys.add(counterKey(name));
            keys.add(streamKey(name));
            args.add(name);
            args.add(String.valueOf(ttl));
        }
        return new Append(event, keys, args);
    }

    /** A prepared append: its script keys and arguments, and how its reply numbers the event. */
    record Append(JobEvent event, List<String> keys, List<String> args) {
        JobEvent stored(Object seq, Object jobSeq) {
            return event.withSeq(((Number) seq).longValue()).withJobSeq(((Number) jobSeq).longValue());
        }
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /**
     * Open a subscription when subscribed: from this replica's mirror when it holds the stream and what
     * {@code afterSeq} asks for (or a gap Redis was already found to have there), otherwise from Redis
     * (see {@code replay}), which reports the stream's last number and gaps exactly.
     */
    @Override
    public Mono<Opened> open(String stream, long afterSeq) {
        Objects.requireNonNull(stream, "stream");
        return Mono.defer(() -> {
            long last = mirror.lastSeqNow(stream);
            boolean mirrored = last > 0 && (afterSeq < 0 || afterSeq + 1 < floor(stream)
                    || afterSeq <= last && afterSeq + 1 >= mirror.oldestHeld(stream));
            return mirrored ? Mono.just(mirror.openNow(stream, afterSeq)) : replay(stream, afterSeq);
        });
    }

    /**
     * Open a subscription from Redis, gap-free: the mirror's live feed is opened first (it buffers), then one script
     * reads the stream's counter and, for {@code afterSeq >= 0}, the entries after it; those are sent first, then
     * live events numbered above the counter. When Redis no longer holds {@code afterSeq + 1},
     * {@link Opened#gap()} is true and only live events follow.
     */
    private Mono<Opened> replay(String stream, long afterSeq) {
        Opened live = mirror.openNow(stream, -1);
        return redis.execute(READ, List.of(counterKey(stream), streamKey(stream)), List.of(String.valueOf(afterSeq)))
                .next()
                .map(reply -> replayed(stream, afterSeq, reply, live))
                .doOnError(error -> live.release())
                .doOnCancel(live::release);
    }

    /** Read the stream's last entry from Redis when subscribed (the appends of every replica are there). */
    @Override
    public Mono<JobEvent> last(String stream) {
        Objects.requireNonNull(stream, "stream");
        return redis.execute(LAST, List.of(streamKey(stream)), List.of()).next()
                .filter(reply -> reply.size() == 4)
                .map(reply -> {
                    String id = String.valueOf(reply.get(0));
                    long seq = Long.parseLong(id.substring(0, id.indexOf('-')));
                    long jobSeq = Long.parseLong(String.valueOf(reply.get(1)));
                    return codec.read(String.valueOf(reply.get(3)), seq, jobSeq, String.valueOf(reply.get(2)));
                });
    }

    private Opened replayed(String stream, long afterSeq, List<?> reply, Opened live) {
        long last = ((Number) reply.get(0)).longValue();
        List<JobEvent> events = new ArrayList<>((reply.size() - 1) / 4);
        for (int i = 1; i + 3 < reply.size(); i += 4) {
            String id = String.valueOf(reply.get(i));
            long seq = Long.parseLong(id.substring(0, id.indexOf('-')));
            long jobSeq = Long.parseLong(String.valueOf(reply.get(i + 1)));
            events.add(codec.read(String.valueOf(reply.get(i + 3)), seq, jobSeq, String.valueOf(reply.get(i + 2))));
        }
        boolean gap = afterSeq >= 0 && afterSeq < last && (events.isEmpty() || events.get(0).seq() > afterSeq + 1);
        if (gap && !events.isEmpty()) {
            synchronized (floors) {
                floors.put(stream, events.get(0).seq());
            }
        }
        Flux<List<JobEvent>> later = live.batches().mapNotNull(batch -> after(batch, last));
        Flux<List<JobEvent>> batches = gap || events.isEmpty() ? later
                : Flux.fromIterable(chunks(events)).concatWith(later);
        return new Opened(last, gap, batches.doFinally(signal -> live.release()), live::release);
    }

    /** Return the last sequence number Redis holds for a stream (from any replica), 0 if none or expired. */
    @Override
    public Mono<Long> lastSeq(String stream) {
        return redis.opsForValue().get(counterKey(Objects.requireNonNull(stream, "stream")))
                .map(Long::parseLong)
                .defaultIfEmpty(0L);
    }

    /** Forget the mirror of a stream and complete its subscribers here; Redis keeps it until it expires. */
    @Override
    public void close(String stream) {
        mirror.close(stream);
    }

    /**
     * Delete a stream's events and counter from Redis and announce it, in one script: every replica (this one too)
     * forgets its mirror of the stream when the notice arrives, before any event appended after the delete.
     */
    @Override
    public Mono<Void> delete(String stream) {
        Objects.requireNonNull(stream, "stream");
        return redis.execute(DELETE, List.of(counterKey(stream), streamKey(stream)),
                        List.of(settings.channelPrefix(), stream))
                .then(Mono.fromRunnable(() -> forget(stream)));
    }

    private void forget(String stream) {
        synchronized (floors) {
            floors.remove(stream);
        }
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

    /** Return the last sequence number this replica's mirror has been told of, 0 if none. */
    long mirroredSeq(String stream) {
        return mirror.lastSeqNow(stream);
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
