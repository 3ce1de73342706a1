package dev.enrich.bench;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Load generator and reference loop of {@code bench/redis-jobs.sh}: durable jobs per second through Redis, from the
 * first submission to the moment the last one is seen done (Redis polled every {@link #POLL_MILLIS} ms).
 *
 * <ul>
 *   <li>{@code enrich <redisPort> <jobs> <clients> <apiKey> <baseUrl>...}: one session, then {@code jobs}
 *       enrichments of every stage (or of those {@code -Dbench.stages} names) over HTTP, {@code clients} in flight,
 *       round-robin over the replicas; done when {@code jobs} more jobs are in the COMPLETED index than before.
 *   <li>{@code bare-produce <redisPort> <jobs> <clients> <stream>}: the limit's producer: {@code jobs} {@code XADD}s
 *       ({@code clients} in flight) to a fresh stream with group {@code workers}; done when the group has read them
 *       all and none is pending.
 *   <li>{@code bare-consume <redisPort> <stream> <count> <name>}: the limit's consumer, until killed:
 *       {@code XREADGROUP COUNT count BLOCK}, then one {@code XACK} per entry (pipelined), then the next read.
 * </ul>
 *
 * Each run prints {@code RESULT kind=... jobs=N wall=S rate=J submit=S}: wall seconds to the last completion,
 * jobs/s, and seconds the submissions alone took.
 */
public final class RedisJobsBench {

    private static final long POLL_MILLIS = 2;
    private static final Duration WAIT = Duration.ofMinutes(5);

    private RedisJobsBench() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "enrich" -> enrich(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    args[4], List.of(args).subList(5, args.length));
            case "bare-produce" -> bareProduce(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]), args[4]);
            case "bare-consume" -> bareConsume(Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]), args[4]);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0);
    }

    private static RedisClient redis(int port) {
        return RedisClient.create("redis://127.0.0.1:" + port);
    }

    private static void enrich(int port, int jobs, int clients, String key, List<String> bases) throws Exception {
        ConnectionProvider pool = ConnectionProvider.builder("bench").maxConnections(clients * 2).build();
        List<WebClient> webs = new ArrayList<>();
        for (String base : bases) {
            webs.add(WebClient.builder().baseUrl(base)
                    .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)))
                    .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key).build());
        }
        MultipartBodyBuilder parts = new MultipartBodyBuilder();
        parts.part("metadata", "{\"title\":\"Bench\",\"notes\":\"No-op stages.\"}", MediaType.APPLICATION_JSON);
        String body = webs.get(0).post().uri("/sessions").body(BodyInserters.fromMultipartData(parts.build()))
                .retrieve().bodyToMono(String.class).block(WAIT);
        String session = body.replaceAll("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        // -Dbench.stages=audio,video: only these stages (default: all four).
        String stages = System.getProperty("bench.stages", "");
        String request = stages.isBlank() ? "{}"
                : "{\"stages\":[\"" + String.join("\",\"", stages.split(",")) + "\"]}";
        RedisClient client = redis(port);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> r = c.sync();
            String completed = "enrich:jobs:state:COMPLETED";
            long before = r.zcard(completed);
            long start = System.nanoTime();
            Long accepted = Flux.range(0, jobs)
                    .flatMap(i -> webs.get(i % webs.size()).post().uri("/sessions/{id}/enrichments", session)
                            .contentType(MediaType.APPLICATION_JSON).bodyValue(request)
                            .retrieve().toBodilessEntity(), clients)
                    .count().block(WAIT);
            long submitted = System.nanoTime();
            if (accepted == null || accepted != jobs) {
                throw new IllegalStateException("only " + accepted + " of " + jobs + " submissions accepted");
            }
            long end = await(() -> r.zcard(completed) - before, jobs, () -> r.zcard("enrich:jobs:finished"));
            report("enrich", jobs, start, submitted, end);
        } finally {
            client.shutdown();
        }
    }

    private static void bareProduce(int port, int jobs, int clients, String stream) throws Exception {
        RedisClient client = redis(port);
        try (StatefulRedisConnection<String, String> c = client.connect();
                StatefulRedisConnection<String, String> poll = client.connect()) {
            RedisAsyncCommands<String, String> r = c.async();
            RedisCommands<String, String> p = poll.sync();
            Semaphore inFlight = new Semaphore(clients);
            long start = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                inFlight.acquire();
                r.xadd(stream, Map.of("job", Integer.toString(i))).whenComplete((id, e) -> inFlight.release());
            }
            inFlight.acquire(clients);
            long submitted = System.nanoTime();
            long end = await(() -> done(p, stream), jobs, () -> -1);
            report("bare", jobs, start, submitted, end);
        } finally {
            client.shutdown();
        }
    }

    // Entries read by the group and acknowledged: read minus pending (XINFO GROUPS, Redis 7).
    private static long done(RedisCommands<String, String> r, String stream) {
        for (Object g : r.xinfoGroups(stream)) {
            List<?> fields = (List<?>) g;
            long read = 0;
            long pending = 0;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                String name = String.valueOf(fields.get(i));
                if (name.equals("entries-read") && fields.get(i + 1) != null) {
                    read = ((Number) fields.get(i + 1)).longValue();
                } else if (name.equals("pending")) {
                    pending = ((Number) fields.get(i + 1)).longValue();
                }
            }
            return read - pending;
        }
        return 0;
    }

    private static void bareConsume(int port, String stream, int count, String name) throws Exception {
        RedisClient client = redis(port);
        StatefulRedisConnection<String, String> c = client.connect();
        RedisAsyncCommands<String, String> r = c.async();
        RedisCommands<String, String> s = c.sync();
        try {
            s.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "workers", XGroupCreateArgs.Builder.mkstream());
        } catch (RuntimeException e) {
            // BUSYGROUP: the other consumer made it.
        }
        System.out.println("ready");
        Consumer<String> me = Consumer.from("workers", name);
        XReadArgs read = XReadArgs.Builder.count(count).block(1000);
        while (true) {
            List<StreamMessage<String, String>> batch = s.xreadgroup(me, read,
                    XReadArgs.StreamOffset.lastConsumed(stream));
            List<RedisFuture<Long>> acks = new ArrayList<>(batch.size());
            for (StreamMessage<String, String> m : batch) {
                acks.add(r.xack(stream, "workers", m.getId()));
            }
            for (RedisFuture<Long> ack : acks) {
                ack.get(10, TimeUnit.SECONDS);
            }
        }
    }

    // Poll until `done` reaches `jobs`; the time it was first seen there.
    private static long await(LongSupplier done, int jobs, LongSupplier hint) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (done.getAsLong() < jobs) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not all jobs done after " + WAIT + ": " + done.getAsLong() + " of "
                        + jobs + " (" + hint.getAsLong() + ")");
            }
            Thread.sleep(POLL_MILLIS);
        }
        return System.nanoTime();
    }

    private static void report(String kind, int jobs, long start, long submitted, long end) {
        double wall = (end - start) / 1e9;
        System.out.printf(Locale.ROOT, "RESULT kind=%s jobs=%d wall=%.3f rate=%.1f submit=%.3f%n", kind, jobs, wall,
                jobs / wall, (submitted - start) / 1e9);
    }
}
