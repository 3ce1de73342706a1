package dev.enrich.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/** Tune BlockHound for calls that look blocking but never wait. */
public final class EnrichBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // SecureRandom (UUIDs, multipart boundaries) reads /dev/urandom, which never blocks on Linux.
        builder.allowBlockingCallsInside("java.security.SecureRandom", "nextBytes");
        // Locks held for a few instructions: under contention they park for microseconds, never for I/O.
        // resilience4j's breaker window records each outcome under a ReentrantLock (seen on event loops in
        // RecoveryTest).
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "record");
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "record");
        // resilience4j's AtomicRateLimiter backs off a lost compare-and-set with parkNanos(1): a yield, not a wait.
        builder.allowBlockingCallsInside("io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter",
                "compareAndSet");
        // Netty's adaptive buffer allocator takes a StampedLock when a magazine grows or frees a chunk.
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup",
                "tryExpandMagazines");
        // Lettuce's endpoint guards each write with a shared lock (a ReentrantLock taken for a few instructions; it
        // parks only when a reconnect holds it exclusively). An error thrown from inside it leaves the lock's writer
        // count broken and wedges the connection for good (every later write spins): never let BlockHound throw there.
        for (String method : new String[] {"incrementWriters", "decrementWriters", "lockWritersExclusive",
                "unlockWritersExclusive"}) {
            builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", method);
        }
        // Spring Data Redis hands out its shared reactive connection under the factory's lock, twice per call (the
        // wrapper, then its connection, made once): parallel callers park for microseconds (seen in RedisCostLedgerTest,
        // in both). The method that does both.
        builder.allowBlockingCallsInside("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
                "getSharedReactiveConnection");
        // The AWS SDK's Netty client closes its connection pools on Netty's global executor and waits there for each
        // channel to close: only when the S3 client itself is closed.
        builder.allowBlockingCallsInside("io.netty.channel.pool.SimpleChannelPool", "close");
        // A pool worker between tasks: getTask checks the queue under its lock (seen on a Reactor single scheduler's
        // thread while it was being shut down) and addWorker takes the pool's main lock to start a thread. Neither runs
        // inside a task; an error thrown there kills the worker or breaks the subscription that scheduled the work.
        // Queueing a log line takes the queue's lock, held by Logback's writer only while it takes the lines out.
        builder.allowBlockingCallsInside("ch.qos.logback.core.AsyncAppenderBase", "put");
        builder.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "getTask");
        builder.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "addWorker");
        // Spring's DataBufferUtils.write closes a multipart spool file's channel on the thread that cancels the write
        // (an event loop when the client leaves), and the JDK's close waits for the write in flight (one buffer to a
        // local file). An error thrown there aborts the multipart reader's cleanup and leaves the spool file behind
        // (MultipartTempFilesTest failed on it in CI: BlockingOperationError in
        // SimpleAsynchronousFileChannelImpl.close).
        builder.allowBlockingCallsInside("org.springframework.core.io.buffer.DataBufferUtils", "closeChannel");
        // Jackson builds and caches a deserializer once per type under a lock.
        builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
                "_createAndCacheValueDeserializer");
    }
}
