package dev.enrich.backend.redis;

import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.queue.JobQueue;
import dev.enrich.queue.QueuedJob;
import dev.enrich.reactive.Ticks;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteBufferRecord;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Hold queued jobs in Redis streams read by one consumer group, so that many replicas share one queue.
 *
 * <p>Layout (see {@link QueueScripts}): one stream per priority, {@code <prefix>:interactive} and
 * {@code <prefix>:batch}; the group {@code workers}; this replica is one consumer. A hash indexes every queued, not
 * yet started job (its length is the queue size; capacity, duplicates and all-or-nothing are checked by one Lua
 * script with the {@code XADD}s), and a hash counts each tenant's queued jobs.
 *
 * <p>{@link #take} reads with {@code XREADGROUP ... COUNT n} only while it has demand: {@code n} is the demand plus
 * {@code readAhead}, less what is already held. Read entries go to a small per-tenant round-robin buffer
 * ({@link FairBuffer}) and leave it in the fair order, one start per request; entries whose tenant {@code mayStart}
 * refuses stay buffered, in order. When nothing can be emitted the read blocks ({@code BLOCK blockTimeout}) on the
 * dedicated connection Spring Data uses for blocking stream reads, held by this queue: no thread waits, only that
 * connection. Emission happens on a {@link Scheduler} worker per subscriber (parallel by default), never on a
 * Lettuce event loop.
 *
 * <p>A started entry stays pending in the group until {@link #done} with a terminal state acknowledges it
 * ({@code XACK}, then {@code XTRIM MINID} below the oldest entry still pending or undelivered). This replica
 * refreshes the claim of every entry it holds ({@code XCLAIM ... JUSTID} if it still owns it) every
 * {@code refreshInterval}, and takes over entries idle past {@code idleTime} ({@code XAUTOCLAIM}) every
 * {@code claimInterval}: they are emitted by {@link #take} again. An entry delivered more than
 * {@code maxDeliveries} times is acknowledged and published on {@link #deadLetters()} instead.
 *
 * <p>The port's synchronous methods ({@link #offerAll}, {@link #remove}, {@link #size}, {@link #poll}...) wait for
 * Redis on the calling thread: callers must not be on an event loop.
 */
public final class RedisJobQueue implements JobQueue, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisJobQueue.class);
    /** How long the start waits for Redis's reply to the group creation before it asks again (twice at most). */
    private static final Duration START_REPLY = Duration.ofSeconds(10);

    private final ReactiveStringRedisTemplate redis;
    /** Held for the queue's life: Spring Data runs its blocking reads on one dedicated connection of it. */
    private final ReactiveRedisConnection reader;
    private final RedisQueueProperties settings;
    private final int capacity;
    private final String index;
    private final String tenants;
    /** Jobs waiting to be queued (automatic retries): a sorted set by due time, and their queue fields. */
    private final String delayed;
    private final String delayedJobs;
    private final Map<Priority, String> streams = new HashMap<>();
    private final Scheduler scheduler;
    private final Consumer consumer;
    private final FairBuffer buffer; // guarded by this
    /** Entries started (handed out) and not yet done, by job id. */
    private final Map<String, StreamEntry> running = new HashMap<>(); // guarded by this
    private @Nullable Mono<Void> reading; // guarded by this: the read in flight
    private final List<Taker> takers = new CopyOnWriteArrayList<>();
    private final Sinks.Many<QueuedJob> deadLetters = Sinks.many().multicast().onBackpressureBuffer();
    /** Started jobs whose entries another consumer took over; emitted outside the queue's lock. */
    private final Sinks.Many<QueuedJob> lost = Sinks.many().multicast().directBestEffort();
    private @Nullable Disposable timers; // guarded by this
    /** This replica's timers for the waits it holds in Redis; stopped by close (the sweep of any replica takes over). */
    private final Disposable.Composite waits = Disposables.composite();
    private volatile View view = View.EMPTY;
    private final AtomicLong viewReads = new AtomicLong();
    private long viewApplied; // guarded by this: the read the counts come from
    private long positionsApplied; // guarded by this: the read the positions come from
    /** When a position was last asked for (System.nanoTime), null if never: positions are read for two intervals. */
    private volatile @Nullable Long positionsAskedAt;
    /**
     * Jobs this replica queued, or saw leave the queue, since the positions were last read, each with the view read
     * it came after: a read issued later saw it, and drops it. The positions are read once per view interval (the
     * whole index), not at every offer and start: that made each submission and start cost the length of the queue.
     */
    private final Map<String, Offered> offered = new ConcurrentHashMap<>();
    private final Map<String, Long> left = new ConcurrentHashMap<>();

    /**
     * Create a queue on {@code factory}; call {@link #start()} to create the group and run the claim timers.
     *
     * @param capacity the most jobs queued across all replicas; must be > 0
     * @param interactiveBurst interactive jobs in a row that may pass waiting batch jobs; must be > 0
     * @param settings the Redis settings; the consumer name must not be blank
     * @throws IllegalArgumentException when a value is out of range
     */
    public RedisJobQueue(ReactiveRedisConnectionFactory factory, int capacity, int interactiveBurst,
            RedisQueueProperties settings) {
        this(factory, capacity, interactiveBurst, settings, Schedulers.parallel());
    }

    RedisJobQueue(ReactiveRedisConnectionFactory factory, int capacity, int interactiveBurst,
            RedisQueueProperties settings, Scheduler scheduler) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0, but was " + capacity);
        }
        if (interactiveBurst <= 0) {
            throw new IllegalArgumentException("interactiveBurst must be > 0, but was " + interactiveBurst);
        }
        if (settings.consumer().isBlank()) {
            throw new IllegalArgumentException("consumer must not be blank");
        }
        this.redis = new ReactiveStringRedisTemplate(factory);
        this.reader = factory.getReactiveConnection();
        this.settings = settings;
        this.capacity = capacity;
        this.index = settings.keyPrefix() + ":jobs";
        this.tenants = settings.keyPrefix() + ":tenants";
        this.delayed = settings.keyPrefix() + ":delayed";
        this.delayedJobs = settings.keyPrefix() + ":delayed-jobs";
        for (Priority p : Priority.values()) {
            streams.put(p, settings.keyPrefix() + ":" + p.name().toLowerCase(Locale.ROOT));
        }
        this.scheduler = scheduler;
        this.consumer = Consumer.from(settings.group(), settings.consumer());
        this.buffer = new FairBuffer(interactiveBurst);
    }

    /** Create the consumer group if missing (waits for Redis) and start the claim refresh and takeover timers. */
    public void start() {
        // Bounded: a reply that never comes (once seen in a test: the script's reply lost on a fresh connection) is
        // asked again instead of holding the start for good; an unreachable Redis still fails the start. Not under
        // the lock: the wait needs the Redis client's event loop, which takes the lock for replies to this queue.
        createGroups().timeout(START_REPLY).retryWhen(Retry.max(2)
                .filter(TimeoutException.class::isInstance)).block();
        startTimers();
    }

    private synchronized void startTimers() {
        if (timers == null) {
            // The edge of the housekeeping flow: kept and disposed by close, which interrupts no Redis write (Ticks).
            // A step slower than its interval (Redis paused) skips ticks instead of failing the timer for good.
            timers = Flux.merge(
                            Ticks.every(settings.refreshInterval(), settings.refreshInterval(), scheduler)
                                    .concatMap(t -> logged(refreshClaims(), "claim refresh")),
                            Ticks.every(settings.claimInterval(), settings.claimInterval(), scheduler)
                                    .concatMap(t -> logged(takeOver(), "takeover")),
                            Ticks.every(Duration.ZERO, settings.viewInterval(), scheduler)
                                    .concatMap(t -> logged(refreshView(), "view refresh")),
                            // The replica that held a job queues it on time; this sweep, on every replica, queues
                            // those whose replica died or stopped during the wait.
                            Ticks.every(settings.viewInterval(), settings.viewInterval(), scheduler)
                                    .concatMap(t -> logged(queueDue(), "queueing waits that are over")))
                    .subscribe();
        }
    }

    /** Stop the timers and release the connection; held entries are taken over by other replicas after idleTime. */
    @Override
    public void close() {
        synchronized (this) {
            waits.dispose();
            if (timers != null) {
                timers.dispose();
                timers = null;
            }
        }
        // Not under the lock: closing waits for the Redis client's event loop, whose replies to this queue's
        // commands take the lock (a reply just in, e.g. of a wait that fired as the drain ended, held the event loop
        // on the lock while close() held the lock waiting for the event loop: every Redis command then timed out).
        reader.close();
    }

    /**
     * Return the entries delivered more than {@code maxDeliveries} times: each is acknowledged (never handed out
     * again) and published here once, on the replica that took it over; the engine marks its job FAILED. Buffered
     * for a late subscriber; one subscriber at a time is expected.
     */
    @Override
    public Flux<QueuedJob> deadLetters() {
        return deadLetters.asFlux();
    }

    /** Return the started jobs whose entries a claim refresh found taken over (see {@link JobQueue#lost()}). */
    @Override
    public Flux<QueuedJob> lost() {
        return lost.asFlux();
    }

    @Override
    public boolean offerAll(List<QueuedJob> jobs) {
        if (jobs.isEmpty()) {
            return true;
        }
        if (jobs.stream().map(QueuedJob::jobId).distinct().count() != jobs.size()) {
            return false;
        }
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(capacity));
        args.addAll(offerArgs(jobs));
        boolean added = Boolean.TRUE.equals(counted(QueueScripts.OFFER, offerKeys(), args).block());
        if (added) {
            offered(jobs);
        }
        return added;
    }

    /** The keys of an offer (those of {@link QueueScripts#OFFER}): index, tenants, interactive and batch streams. */
    List<String> offerKeys() {
        return List.of(index, tenants, stream(Priority.INTERACTIVE), stream(Priority.BATCH));
    }

    /** The arguments of an offer of {@code jobs} after the capacity: per job id, tenant, priority, at (ms), attempt. */
    static List<String> offerArgs(List<QueuedJob> jobs) {
        List<String> args = new ArrayList<>(jobs.size() * 5);
        for (QueuedJob job : jobs) {
            args.addAll(List.of(job.jobId(), job.tenant(), job.priority().name(),
                    Long.toString(job.enqueuedAt().toEpochMilli()), Integer.toString(job.attempt())));
        }
        return args;
    }

    /**
     * Run {@code script}, which offers {@code jobs} in the same step as something else ({@link RedisJobMoves}'s
     * admission) and answers as {@link QueueScripts#OFFER} does, with {@code accepted} as its status when it queued
     * them; then do here what an accepted offer does. Emits the script's status.
     */
    @SuppressWarnings("rawtypes")
    Mono<String> offerWith(Mono<List> script, String accepted, List<QueuedJob> jobs) {
        return Mono.defer(() -> {
            long read = viewReads.incrementAndGet();
            return script.map(reply -> {
                String status = String.valueOf(reply.get(0));
                if (status.equals(accepted)) {
                    applyCounts(read, reply);
                    offered(jobs);
                }
                return status;
            });
        });
    }

    // Before the takers start any of them (a started job has no position).
    private void offered(List<QueuedJob> jobs) {
        estimatePositions(jobs);
        wakeTakers();
    }

    @Override
    public Flux<QueuedJob> take(Predicate<String> mayStart) {
        Objects.requireNonNull(mayStart, "mayStart");
        return Flux.from(subscriber -> {
            Taker taker = new Taker(subscriber, mayStart, scheduler.createWorker());
            takers.add(taker);
            subscriber.onSubscribe(taker);
        });
    }

    /** Read what is new (waiting first for a read in flight, up to blockTimeout), then take by the fair order. */
    @Override
    public Optional<QueuedJob> poll(Predicate<String> mayStart) {
        Mono<Void> inFlight;
        synchronized (this) {
            inFlight = reading;
        }
        if (inFlight != null) {
            inFlight.onErrorResume(e -> Mono.empty()).block();
        }
        read(settings.readAhead() + 1, false).block();
        StreamEntry entry = next(mayStart);
        if (entry == null) {
            return Optional.empty();
        }
        start(entry).block();
        return Optional.of(entry.job());
    }

    /**
     * Acknowledge a started job's entry when {@code state} is terminal (and trim its stream); otherwise stop
     * refreshing its claim, so that a replica takes it over after idleTime. Unknown jobs are ignored.
     */
    @Override
    public Mono<Void> done(QueuedJob job, JobState state) {
        return Mono.defer(() -> {
            StreamEntry entry;
            synchronized (this) {
                StreamEntry held = running.get(job.jobId());
                // Only the run of this delivery ends it: a run that lost its entry (taken over, perhaps taken back
                // here since and run again) leaves alone what this replica holds now.
                entry = held != null && held.job().delivery() == job.delivery()
                        && held.job().attempt() == job.attempt() ? running.remove(job.jobId()) : null;
            }
            if (entry == null || !state.isTerminal()) {
                return Mono.empty();
            }
            return execute(QueueScripts.ACK, List.of(stream(job.priority())),
                    List.of(settings.group(), entry.id(), settings.consumer(), Integer.toString(job.delivery())))
                    .doOnNext(acked -> {
                        if (acked < 0) {
                            log.warn("job={} entry={} was delivered again since this run took it: not acknowledged",
                                    job.jobId(), entry.id());
                        }
                    })
                    .then();
        }).doOnTerminate(this::wakeTakers);
    }

    /**
     * Hold the job in Redis until {@code delay} is over, then queue it (this replica at the due time, any replica's
     * sweep within {@code viewInterval} of it if this one is gone). Does not wait on the calling thread. The engine's
     * automatic retries hold their waits with the move that stores the job for them ({@link RedisJobMoves}, the same
     * hold in the same script); this is the hold on its own, for a job already stored.
     */
    @Override
    public Mono<Boolean> offerLater(QueuedJob job, Duration delay) {
        return execute(QueueScripts.DELAY, waitKeys(), waitArgs(job, delay))
                .doOnNext(held -> queueDueAfter(delay))
                .thenReturn(true);
    }

    /** The keys a wait is held in: the sorted set by due time, and the waiting jobs' queue fields. */
    List<String> waitKeys() {
        return List.of(delayed, delayedJobs);
    }

    /** The arguments of {@link QueueScripts#HOLD_FUNCTION} for {@code job}'s wait of {@code delay}. */
    static List<String> waitArgs(QueuedJob job, Duration delay) {
        return List.of(job.jobId(), Long.toString(Math.max(0, delay.toMillis())), job.priority().name() + " "
                + job.enqueuedAt().toEpochMilli() + " " + job.tenant(), Integer.toString(job.attempt()));
    }

    /**
     * Queue the waits that are over once {@code delay} has passed (a wait just held here): on time, where the sweep of
     * every replica would take up to a view interval more.
     */
    void queueDueAfter(Duration delay) {
        Disposable.Swap wait = Disposables.swap();
        if (waits.add(wait)) {
            // Disposed by close(), before the connection factory stops: a wait of no time that fires just as a
            // draining replica closes its queue has its script cancelled (any replica's sweep queues the job). The
            // queueing runs in the delay's task, which a dispose never interrupts once the delay is over (TicksTest).
            wait.update(Mono.delay(delay, scheduler)
                    .then(logged(queueDue(), "queueing waits that are over"))
                    .doFinally(signal -> waits.remove(wait))
                    .subscribe());
        }
    }

    /** Queue the held jobs whose wait is over, then wake the takers. */
    Mono<Void> queueDue() {
        return execute(QueueScripts.MOVE_DUE, List.of(delayed, delayedJobs, index, tenants,
                stream(Priority.INTERACTIVE), stream(Priority.BATCH)), List.of())
                .flatMap(moved -> {
                    if (moved == 0) {
                        return Mono.empty();
                    }
                    wakeTakers();
                    return refreshCounts();
                });
    }

    /** Answer from the view refreshed every {@code viewInterval} (never waits for Redis: callers may be on an event loop). */
    @Override
    public int size(String tenant) {
        return view.tenants().getOrDefault(tenant, 0);
    }

    /** Remove a queued job; waits for Redis on the calling thread (callers must not be on an event loop). */
    @Override
    public boolean remove(String jobId) {
        boolean removed = call(QueueScripts.REMOVE, List.of(index, tenants, stream(Priority.INTERACTIVE),
                stream(Priority.BATCH), delayed, delayedJobs), List.of(jobId, settings.group())) == 1;
        if (removed) {
            synchronized (this) {
                buffer.remove(jobId);
            }
            leftQueue(jobId);
            refreshCounts().onErrorResume(e -> Mono.empty()).block();
        }
        return removed;
    }

    /** Answer from the view refreshed every {@code viewInterval}. */
    @Override
    public int size() {
        return view.size();
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public boolean durable() {
        return true;
    }

    /**
     * Answer from the positions read every {@code viewInterval}, by priority and arrival across all replicas
     * (interactive first, FIFO within a priority): tenants' turns are taken per replica, so the exact order is not
     * known in advance. A job queued here since that read is estimated at the back of its priority; a job that left
     * the queue here has none. Positions are read only while someone asked for one within the last two intervals.
     */
    @Override
    public OptionalInt position(String jobId) {
        positionsAskedAt = System.nanoTime();
        if (left.containsKey(jobId)) {
            return OptionalInt.empty();
        }
        Integer p = view.positions().byJob().get(jobId);
        if (p == null) {
            Offered estimate = offered.get(jobId);
            p = estimate == null ? null : estimate.position();
        }
        return p == null ? OptionalInt.empty() : OptionalInt.of(p);
    }

    /**
     * Estimate where the jobs just queued here stand until the next read of the positions: a batch job behind every
     * queued job, an interactive one behind the interactive jobs (as last read, plus those queued here since).
     */
    private void estimatePositions(List<QueuedJob> jobs) {
        long after = viewReads.get();
        View now = view;
        int interactive = now.positions().interactive() + (int) offered.values().stream()
                .filter(o -> o.priority() == Priority.INTERACTIVE).count();
        for (QueuedJob job : jobs) {
            left.remove(job.jobId());
            // Without positions read (nobody asked for one within the last interval), nor how many are interactive:
            // at the back, as a batch job.
            int position = job.priority() == Priority.BATCH || !now.positions().read() ? now.size()
                    : Math.min(now.size(), ++interactive);
            offered.put(job.jobId(), new Offered(job.priority(), Math.max(1, position), after));
        }
    }

    // Only a job with a position to hide is kept (bounded by the positions read and the estimates).
    private void leftQueue(String jobId) {
        boolean estimated = offered.remove(jobId) != null;
        if (estimated || view.positions().byJob().containsKey(jobId)) {
            left.put(jobId, viewReads.get());
        }
    }

    /**
     * Refresh the view that the size and position queries answer from: every {@code viewInterval}; the positions
     * too while someone asks for them.
     */
    Mono<Void> refreshView() {
        return Mono.defer(() -> {
            // Reads of one connection are answered in order: a read issued later saw a later queue, so an earlier
            // read that answers last must not overwrite it. Whether it reads the positions is decided here too: a
            // read numbered after a position query includes them.
            long read = viewReads.incrementAndGet();
            Long askedAt = positionsAskedAt;
            boolean withPositions = askedAt != null
                    && System.nanoTime() - askedAt < 2 * settings.viewInterval().toNanos();
            Mono<Positions> positions = !withPositions ? Mono.just(Positions.NONE)
                    : redis.<String, String>opsForHash().entries(index).collectList().map(RedisJobQueue::positions);
            return Mono.zip(redis.opsForHash().size(index), tenantCounts(), positions)
                    .doOnNext(t -> applyView(read, t.getT1().intValue(), t.getT2(), t.getT3()));
        }).then();
    }

    /** Refresh the size and the tenants' counts only (after this replica queued or started jobs). */
    private Mono<Void> refreshCounts() {
        return Mono.defer(() -> {
            long read = viewReads.incrementAndGet();
            return Mono.zip(redis.opsForHash().size(index), tenantCounts())
                    .doOnNext(t -> applyView(read, t.getT1().intValue(), t.getT2(), null));
        }).then();
    }

    /**
     * Run a script that changes the queue and answers with its counts (QueueScripts' COUNTS): the view takes them
     * without another read. Emits whether the script's change was made.
     */
    @SuppressWarnings("rawtypes")
    private Mono<Boolean> counted(RedisScript<List> script, List<String> keys, List<String> args) {
        return Mono.defer(() -> {
            long read = viewReads.incrementAndGet();
            return execute(script, keys, args).map(reply -> {
                applyCounts(read, reply);
                return ((Number) reply.get(0)).longValue() == 1;
            });
        });
    }

    // A reply of {status, queue size, tenant, count...} (see QueueScripts' COUNTS); a status alone changes nothing.
    @SuppressWarnings("rawtypes")
    private void applyCounts(long read, List reply) {
        if (reply.size() > 1) {
            Map<String, Integer> byTenant = new HashMap<>();
            for (int i = 2; i + 1 < reply.size(); i += 2) {
                byTenant.put(String.valueOf(reply.get(i)), count(reply.get(i + 1)));
            }
            applyView(read, ((Number) reply.get(1)).intValue(), byTenant, null);
        }
    }

    private Mono<Map<String, Integer>> tenantCounts() {
        return redis.<String, String>opsForHash().entries(tenants)
                .collectMap(Map.Entry::getKey, e -> count(e.getValue()));
    }

    /** A tenant's queued count as the tenants hash holds it (a decimal string). */
    private static int count(Object held) {
        return Integer.parseInt(String.valueOf(held));
    }

    // Counts and positions each keep the latest read that brought them: a positions read (the whole index, slow) that
    // answers after a later counts-only reply still brings its positions.
    synchronized void applyView(long read, int size, Map<String, Integer> byTenant,
            @Nullable Positions positions) {
        boolean counts = read > viewApplied;
        boolean positioned = positions != null && read > positionsApplied;
        if (!counts && !positioned) {
            return;
        }
        View now = view;
        view = new View(counts ? size : now.size(), counts ? byTenant : now.tenants(),
                positioned ? positions : now.positions());
        if (counts) {
            viewApplied = read;
        }
        if (positioned) {
            positionsApplied = read;
            offered.values().removeIf(o -> o.after() < read);
            left.values().removeIf(after -> after < read);
        }
    }

    /** Return the number of the latest read whose counts the view holds (0 before the first), for tests. */
    synchronized long viewApplied() {
        return viewApplied;
    }

    /** Number queued jobs by priority (interactive first), then by stream entry id (arrival). */
    static Positions positions(List<Map.Entry<String, String>> indexed) {
        record Ahead(String job, int priority, long ms, long seq) {}
        List<Ahead> order = new ArrayList<>(indexed.size());
        int interactive = 0;
        for (Map.Entry<String, String> e : indexed) {
            String v = e.getValue();
            int space = v.indexOf(' ');
            int dash = v.indexOf('-', space);
            int end = v.indexOf(' ', dash);
            int priority = v.startsWith("INTERACTIVE ") ? 0 : 1;
            interactive += 1 - priority;
            order.add(new Ahead(e.getKey(), priority, Long.parseLong(v, space + 1, dash, 10),
                    Long.parseLong(v, dash + 1, end < 0 ? v.length() : end, 10)));
        }
        order.sort(Comparator.comparingInt(Ahead::priority).thenComparingLong(Ahead::ms)
                .thenComparingLong(Ahead::seq));
        Map<String, Integer> byJob = new HashMap<>(order.size() * 2);
        for (int i = 0; i < order.size(); i++) {
            byJob.put(order.get(i).job(), i + 1);
        }
        return new Positions(byJob, interactive, true);
    }

    /** Queued jobs' positions as last read, and how many of them were interactive; none when not read. */
    record Positions(Map<String, Integer> byJob, int interactive, boolean read) {
        static final Positions NONE = new Positions(Map.of(), 0, false);
    }

    /** What the size and position queries answer: the queue as last read from Redis. */
    private record View(int size, Map<String, Integer> tenants, Positions positions) {
        static final View EMPTY = new View(0, Map.of(), Positions.NONE);
    }

    /** A job queued here since the positions were last read: its estimated position, and the read it came after. */
    private record Offered(Priority priority, int position, long after) {}

    /** Refresh the claims of held entries now; entries another consumer owns by now are dropped. */
    Mono<Void> refreshClaims() {
        return Flux.fromArray(Priority.values()).concatMap(priority -> {
            List<String> ids = heldIds(priority);
            if (ids.isEmpty()) {
                return Mono.empty();
            }
            List<String> args = new ArrayList<>(List.of(settings.group(), settings.consumer()));
            args.addAll(ids);
            return execute(QueueScripts.REFRESH, List.of(stream(priority)), args)
                    .doOnNext(lostIds -> lose(priority, lostIds));
        }).then();
    }

    // The ids of the entries of one priority this replica holds: buffered, or handed out and not yet done.
    private synchronized List<String> heldIds(Priority priority) {
        List<String> ids = new ArrayList<>();
        buffer.entries(priority).forEach(e -> ids.add(e.id()));
        running.values().stream().filter(e -> e.job().priority() == priority).forEach(e -> ids.add(e.id()));
        return ids;
    }

    // Drop the held entries another consumer owns by now, then tell the runs here that lost theirs; told outside the
    // lock: stopping a run here calls back into this queue.
    private void lose(Priority priority, List<?> lostIds) {
        if (lostIds.isEmpty()) {
            return;
        }
        for (QueuedJob job : forget(priority, lostIds)) {
            synchronized (lost) {
                lost.tryEmitNext(job);
            }
        }
    }

    /**
     * Take over entries idle past idleTime now: buffer them for {@link #take}, or publish the dead letters. This
     * replica's own claims are refreshed in the same script, just before: after a pause longer than idleTime (both
     * timers late) its held entries are idle too, and claiming one from itself would run its job a second time (see
     * {@link #claimed}); in one script, no pause can come between the refresh and the claim.
     */
    Mono<Void> takeOver() {
        return takeOver(true);
    }

    /**
     * The takeover without refreshing this replica's own claims (tests: what a replica met when its refresh came too
     * late, before the two were one script).
     */
    Mono<Void> claimIdle() {
        return takeOver(false);
    }

    private Mono<Void> takeOver(boolean refreshingHeld) {
        return Flux.fromArray(Priority.values()).concatMap(priority -> {
            List<String> args = new ArrayList<>(List.of(settings.group(), settings.consumer(),
                    Long.toString(settings.idleTime().toMillis()), Integer.toString(settings.claimBatch()),
                    Integer.toString(settings.maxDeliveries())));
            if (refreshingHeld) {
                args.addAll(heldIds(priority));
            }
            return execute(QueueScripts.TAKEOVER, List.of(stream(priority), index, tenants), args)
                    .doOnNext(reply -> {
                        int lostCount = ((Number) reply.get(0)).intValue();
                        lose(priority, reply.subList(1, 1 + lostCount));
                        claimed(reply.subList(1 + lostCount, reply.size()));
                    });
        }).then(Mono.fromRunnable(this::wakeTakers));
    }

    private void claimed(List<?> flat) {
        for (int i = 0; i + 7 < flat.size(); i += 8) {
            String id = (String) flat.get(i);
            QueuedJob job = new QueuedJob((String) flat.get(i + 2), (String) flat.get(i + 3),
                    Priority.valueOf((String) flat.get(i + 4)),
                    Instant.ofEpochMilli(Long.parseLong((String) flat.get(i + 5))),
                    Integer.parseInt((String) flat.get(i + 7)), Integer.parseInt((String) flat.get(i + 6)));
            if ("1".equals(flat.get(i + 1))) {
                log.warn("dead letter job={} tenant={} entry={}: delivered more than {} times", job.jobId(),
                        job.tenant(), id, settings.maxDeliveries());
                if (deadLetters.tryEmitNext(job).isFailure()) {
                    log.error("dead letter job={} not delivered to the engine: no subscriber kept up", job.jobId());
                }
                continue;
            }
            synchronized (this) {
                StreamEntry held = running.get(job.jobId());
                // The very entry a run here still holds was taken over, then claimed back here: that run lost it (its
                // saves are refused once the new delivery's run starts), so the entry runs again. Another entry of a
                // job running here (an earlier attempt's, left pending) waits: its run would only give way.
                if (held == null || held.id().equals(id)) {
                    if (held != null) {
                        log.warn("job={} entry={} claimed back at delivery {} while its run of delivery {} goes on "
                                + "here: running it again", job.jobId(), id, job.delivery(), held.job().delivery());
                    }
                    // An earlier delivery of this entry still buffered gives way (only this delivery acknowledges
                    // it); another entry of the job stays buffered, and this one waits.
                    StreamEntry buffered = buffer.get(job.jobId());
                    if (buffered != null && buffered.id().equals(id)) {
                        buffer.remove(job.jobId());
                    }
                    buffer.add(new StreamEntry(id, job));
                }
            }
        }
    }

    // Drop the entries another consumer owns by now; return the started jobs among them (their runs here lost them).
    private synchronized List<QueuedJob> forget(Priority priority, List<?> lostIds) {
        Set<Object> gone = new HashSet<>(lostIds);
        for (StreamEntry e : buffer.entries(priority)) {
            if (gone.contains(e.id())) {
                buffer.remove(e.job().jobId());
            }
        }
        List<QueuedJob> stopped = new ArrayList<>(0);
        running.values().removeIf(e -> {
            boolean taken = e.job().priority() == priority && gone.contains(e.id());
            if (taken) {
                log.warn("job={} entry={} was taken over by another replica while held here: stopping its run here",
                        e.job().jobId(), e.id());
                stopped.add(e.job());
            }
            return taken;
        });
        return stopped;
    }

    /**
     * Read up to {@code count} new entries per stream into the buffer, blocking for up to blockTimeout when asked;
     * one read at a time (a caller finding one in flight gets that one). The read is not tied to any subscriber: what
     * it delivers lands in the buffer even if the subscriber that asked for it is gone.
     */
    private Mono<Void> read(int count, boolean block) {
        Sinks.Empty<Void> done;
        synchronized (this) {
            if (reading != null) {
                return reading;
            }
            done = Sinks.empty();
            reading = done.asMono();
        }
        StreamReadOptions options = StreamReadOptions.empty().count(Math.max(1, count));
        if (block) {
            options = options.block(settings.blockTimeout());
        }
        @SuppressWarnings("unchecked")
        StreamOffset<ByteBuffer>[] offsets = new StreamOffset[] {
            StreamOffset.create(bytes(stream(Priority.INTERACTIVE)), ReadOffset.lastConsumed()),
            StreamOffset.create(bytes(stream(Priority.BATCH)), ReadOffset.lastConsumed())};
        // The I/O edge of reading: it completes into the buffer and wakes the takers, whoever is still there.
        // Subscribed off the caller's thread: the first blocking read opens the dedicated connection, which waits.
        reader.streamCommands().xReadGroup(consumer, options, offsets)
                .subscribeOn(Schedulers.boundedElastic())
                .map(RedisJobQueue::entry)
                .collectList()
                .onErrorResume(e -> String.valueOf(e.getMessage()).contains("NOGROUP"),
                        e -> createGroups().thenReturn(List.of()))
                .subscribe(entries -> {
                    synchronized (this) {
                        entries.forEach(buffer::add);
                        reading = null;
                    }
                    done.tryEmitEmpty();
                    wakeTakers();
                }, error -> {
                    synchronized (this) {
                        reading = null;
                    }
                    done.tryEmitError(error);
                });
        return done.asMono();
    }

    private synchronized @Nullable StreamEntry next(Predicate<String> mayStart) {
        StreamEntry entry = buffer.next(mayStart);
        if (entry != null) {
            running.put(entry.job().jobId(), entry);
        }
        return entry;
    }

    /**
     * Unindex a handed-out entry's job (no longer queued; it may already be gone: removed elsewhere, taken over); the
     * script's reply refreshes the counts, so that size counts the start as soon as the job is handed out.
     */
    private Mono<Boolean> start(StreamEntry entry) {
        return counted(QueueScripts.START, List.of(index, tenants), List.of(entry.job().jobId(), entry.id()))
                .doOnNext(unindexed -> leftQueue(entry.job().jobId()));
    }

    /** Put back an entry started for a subscriber that cancelled before it was emitted. */
    private Mono<Void> unstart(StreamEntry entry) {
        QueuedJob job = entry.job();
        synchronized (this) {
            running.remove(job.jobId());
            buffer.add(entry);
        }
        return execute(QueueScripts.UNSTART, List.of(index, tenants),
                List.of(job.jobId(), job.priority().name() + " " + entry.id() + " " + job.tenant(), job.tenant()))
                .doOnNext(requeued -> left.remove(job.jobId()))
                .then();
    }

    private Mono<Void> createGroups() {
        return execute(QueueScripts.GROUPS, List.of(stream(Priority.INTERACTIVE), stream(Priority.BATCH)),
                List.of(settings.group())).then();
    }

    private void wakeTakers() {
        takers.forEach(Taker::wake);
    }

    private String stream(Priority priority) {
        return streams.get(priority);
    }

    /**
     * Run a script on the caller's thread (see RedisCostLedger#execute: no subscribeOn, whose cancel interrupts a
     * worker that may be inside Lettuce's endpoint lock).
     */
    private <T> Mono<T> execute(RedisScript<T> script, List<String> keys, List<String> args) {
        return redis.execute(script, keys, args).next();
    }

    private long call(RedisScript<Long> script, List<String> keys, List<String> args) {
        Long result = execute(script, keys, args).block();
        return result == null ? 0 : result;
    }

    private static Mono<Void> logged(Mono<Void> step, String what) {
        return step.onErrorResume(e -> {
            log.warn("queue {} failed: {}", what, e.toString());
            return Mono.empty();
        });
    }

    private static StreamEntry entry(ByteBufferRecord record) {
        Map<String, String> fields = new HashMap<>();
        record.getValue().forEach((k, v) -> fields.put(string(k), string(v)));
        String attempt = fields.get("attempt");
        QueuedJob job = new QueuedJob(fields.get("job"), fields.get("tenant"), Priority.valueOf(fields.get("priority")),
                Instant.ofEpochMilli(Long.parseLong(fields.get("at"))), attempt == null ? 0 : Integer.parseInt(attempt),
                1);
        return new StreamEntry(record.getId().getValue(), job);
    }

    private static String string(ByteBuffer buffer) {
        return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Emit to one subscriber as it requests: all steps run on one scheduler worker, so its state needs no lock.
     * Each pass tops the buffer up (a non-blocking read) before a fair pick, starts the picked entry, and emits it;
     * with demand left and nothing to emit it waits in a blocking read.
     */
    private final class Taker implements org.reactivestreams.Subscription {

        private final org.reactivestreams.Subscriber<? super QueuedJob> actual;
        private final Predicate<String> mayStart;
        private final Scheduler.Worker worker;
        private long requested; // on worker
        private boolean starting; // on worker: a start is in flight
        private boolean reading; // on worker: a read is in flight for this taker
        private boolean toppedUp; // on worker: the buffer was topped up since the last emission
        private volatile boolean cancelled;

        Taker(org.reactivestreams.Subscriber<? super QueuedJob> actual, Predicate<String> mayStart,
                Scheduler.Worker worker) {
            this.actual = actual;
            this.mayStart = mayStart;
            this.worker = worker;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                actual.onError(new IllegalArgumentException("request must be > 0, but was " + n));
                return;
            }
            worker.schedule(() -> {
                requested = Operators.addCap(requested, n);
                drain();
            });
        }

        @Override
        public void cancel() {
            cancelled = true;
            takers.remove(this);
        }

        void wake() {
            worker.schedule(this::drain);
        }

        private void drain() {
            if (cancelled || starting || requested == 0) {
                return;
            }
            int held;
            synchronized (RedisJobQueue.this) {
                held = buffer.size();
            }
            long want = Math.min(requested + settings.readAhead(), settings.maxBuffered()) - held;
            if (!reading && !toppedUp && want > 0) {
                readThenDrain(false, want);
                return;
            }
            StreamEntry entry = next(mayStart);
            if (entry != null) {
                requested--;
                starting = true;
                start(entry).subscribe(started -> worker.schedule(() -> emit(entry)),
                        error -> worker.schedule(() -> failed(entry, error)));
                return;
            }
            if (!reading && held < settings.maxBuffered()) {
                readThenDrain(true, want);
            } // else a read is in flight, or a full buffer of refused tenants waits for a request or a done
        }

        private void emit(StreamEntry entry) {
            starting = false;
            toppedUp = false;
            if (cancelled) {
                unstart(entry).subscribe(null, e -> log.warn("queue could not put back job={}: {}",
                        entry.job().jobId(), e.toString()));
                return;
            }
            actual.onNext(entry.job());
            drain();
        }

        private void failed(StreamEntry entry, Throwable error) {
            starting = false;
            synchronized (RedisJobQueue.this) {
                running.remove(entry.job().jobId());
                buffer.add(entry);
            }
            requested++;
            log.warn("queue could not start job={}: {}", entry.job().jobId(), error.toString());
            worker.schedule(this::drain, settings.blockTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        private void readThenDrain(boolean block, long want) {
            reading = true;
            read((int) Math.max(1, want), block).subscribe(null, error -> worker.schedule(() -> {
                reading = false;
                log.warn("queue read failed: {}", error.toString());
                worker.schedule(this::drain, settings.blockTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }), () -> worker.schedule(() -> {
                reading = false;
                toppedUp = toppedUp || !block;
                drain();
            }));
        }
    }
}
