package dev.enrich.ai;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Remember AI replies per job and input content hash, so an input already processed within a job (or its retry,
 * which keeps the job id) is not sent again. Bounded (least recently used entries go first); thread-safe; only
 * successful replies are kept.
 */
public final class AiCache {

    private final int maxEntries;
    private final Map<String, Object> entries;

    /** Create a cache holding at most {@code maxEntries} replies. */
    public AiCache(int maxEntries) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be > 0, but was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * Return the remembered reply for this job, kind of call and content hash, or make the call and remember it.
     *
     * @param kind what the call does, e.g. {@code "transcribe"}; part of the key
     * @param contentHash a hash of everything sent, e.g. from {@link #sha256}
     */
    @SuppressWarnings("unchecked")
    public <T> Mono<T> get(String jobId, String kind, String contentHash, Supplier<Mono<T>> call) {
        String key = jobId + '\n' + kind + '\n' + contentHash;
        return Mono.defer(() -> {
            Object hit;
            synchronized (entries) {
                hit = entries.get(key);
            }
            if (hit != null) {
                return Mono.just((T) hit);
            }
            return call.get().doOnNext(value -> {
                synchronized (entries) {
                    entries.put(key, value);
                    while (entries.size() > maxEntries) {
                        entries.remove(entries.keySet().iterator().next());
                    }
                }
            });
        });
    }

    /** Return the number of remembered replies. */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
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
