package dev.enrich.pool;

import java.util.Arrays;

/** Keep the last N latency samples and answer percentiles (nearest rank). Thread-safe. */
final class LatencyWindow {

    private final long[] ring;
    private int next;
    private int count;

    LatencyWindow(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0, but was " + capacity);
        }
        this.ring = new long[capacity];
    }

    synchronized void record(long millis) {
        ring[next] = millis;
        next = (next + 1) % ring.length;
        count = Math.min(count + 1, ring.length);
    }

    synchronized PoolStatus.Latency snapshot() {
        if (count == 0) {
            return new PoolStatus.Latency(0, 0, 0, 0, 0);
        }
        long[] sorted = Arrays.copyOf(ring, count);
        Arrays.sort(sorted);
        return new PoolStatus.Latency(count, rank(sorted, 0.50), rank(sorted, 0.95), rank(sorted, 0.99),
                sorted[count - 1]);
    }

    private static long rank(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
