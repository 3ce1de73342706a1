package dev.enrich.ai;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.enrich.reactive.CancelLatch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Schedulers;

/**
 * Remember AI replies per job and input content hash, so an input already processed within a job (or its retry,
 * which keeps the job id) is not sent again. A Caffeine {@link AsyncCache}: bounded (least recently or frequently
 * used entries go first), thread-safe, and concurrent callers of one key share a single call in flight. Only
 * successful replies are kept: a failed or empty call is forgotten before any of its callers hears of it, so the next
 * caller calls again.
 *
 * <p>A call in flight is cancelled when the last caller waiting on it cancels (its job cancelled, its stage run
 * ended), and is then forgotten. Callers of one key belong to one job, so there is usually one; two runs of one job in
 * one replica (a run taken over by its own replica after a stall) can share a call, and the end of the older run
 * leaves it to the newer one. A caller that joins just as the last one cancels fails with a
 * {@link java.util.concurrent.CancellationException}.
 */
public final class AiCache {

    private final AsyncCache<String, Object> entries;
    /** How many callers wait on each call in flight (by the call's future: identity), for the last one to cancel it. */
    private final Map<CompletableFuture<Object>, AtomicInteger> waiting = new ConcurrentHashMap<>();

    /** Create a cache holding at most {@code maxEntries} replies. */
    public AiCache(int maxEntries) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be > 0, but was " + maxEntries);
        }
        this.entries = Caffeine.newBuilder().maximumSize(maxEntries).buildAsync();
    }

    /**
     * Return the remembered reply for this job, kind of call and content hash, or make the call and remember it. The
     * call is subscribed once per key however many callers ask at once, with the first caller's context (without its
     * {@link CancelLatch}).
     *
     * @param kind what the call does, e.g. {@code "transcribe"}; part of the key
     * @param contentHash a hash of everything sent, e.g. from {@link #sha256}
     */
    @SuppressWarnings("unchecked")
    public <T> Mono<T> get(String jobId, String kind, String contentHash, Supplier<Mono<T>> call) {
        String key = jobId + '\n' + kind + '\n' + contentHash;
        // Guarded as a whole by the caller's latch (CancelLatch): a caller whose stage run ended starts no call.
        return CancelLatch.guardInContext(Mono.deferContextual(context -> {
            // Subscribed on Caffeine's executor: not inside the map's compute, which runs the mapping function.
            // Not with the first caller's latch: its trip would end the shared call empty for every caller.
            CompletableFuture<Object> shared = entries.get(key, (k, executor) -> call.get()
                    .<Object>map(value -> value)
                    .contextWrite(CancelLatch.without(context))
                    .subscribeOn(Schedulers.fromExecutor(executor))
                    .toFuture());
            // Settled with the call's own outcome, as the call's future holds it (a dependent stage would wrap it in a
            // CompletionException): a caller that cancelled ignores the CancellationException its cancel causes,
            // instead of reporting it as a dropped error.
            CompletableFuture<Object> settled = new CompletableFuture<>();
            shared.whenComplete((value, error) -> {
                if (error != null || value == null) {
                    entries.asMap().remove(key, shared);
                }
                if (error != null) {
                    settled.completeExceptionally(error);
                } else {
                    settled.complete(value);
                }
            });
            return Mono.fromFuture(settled, true)
                    .doOnSubscribe(subscription -> waiting.computeIfAbsent(shared, f -> new AtomicInteger())
                            .incrementAndGet())
                    // Once this caller no longer listens: its own cancel must not come back to it as an error.
                    .doFinally(signal -> left(shared, signal == SignalType.CANCEL))
                    .map(value -> (T) value);
        }));
    }

    // A caller stopped waiting on `shared`: the last one to leave forgets the count, and cancels the call if it
    // cancelled (a call still running with no one waiting would only cost).
    private void left(CompletableFuture<Object> shared, boolean cancelled) {
        boolean last = waiting.computeIfPresent(shared,
                (future, count) -> count.decrementAndGet() == 0 ? null : count) == null;
        if (last && cancelled) {
            shared.cancel(false);
        }
    }

    /** Return the number of remembered replies (calls in flight included). */
    public long size() {
        entries.synchronous().cleanUp();
        return entries.synchronous().estimatedSize();
    }

    /** Return the hex SHA-256 of some texts (each length-prefixed, so boundaries count). */
    public static String sha256(String... parts) {
        MessageDigest digest = digest();
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) ':');
            digest.update(bytes);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Return the hex SHA-256 of some byte arrays (each length-prefixed). */
    public static String sha256(byte[]... parts) {
        MessageDigest digest = digest();
        for (byte[] part : parts) {
            digest.update(Integer.toString(part.length).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) ':');
            digest.update(part);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
