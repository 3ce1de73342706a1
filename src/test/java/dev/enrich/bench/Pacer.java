package dev.enrich.bench;

import java.util.function.LongConsumer;
import java.util.concurrent.locks.LockSupport;

/**
 * Publish at a steady rate for the SSE benches' servers: event {@code i} is due {@code i / rate} seconds after the
 * start; one that comes due while the previous one is still being published goes as soon as that ends; none is
 * started after {@code seconds}. (The SseEmitter baseline, a separate build, has its own copy of this loop.)
 */
public final class Pacer {

    private Pacer() {}

    /** Call {@code publish} with 0, 1, 2, ... on a new thread, paced as the class comment says. */
    public static void start(int rate, double seconds, LongConsumer publish) {
        Thread publisher = new Thread(() -> {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long period = 1_000_000_000L / rate;
            for (long i = 0; start + i * period < end; i++) {
                long wait = start + i * period - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                publish.accept(i);
            }
        }, "bench-publisher");
        publisher.start();
    }
}
