package dev.enrich.health;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import reactor.core.scheduler.Schedulers;

/**
 * Turn liveness DOWN once the JVM ran out of memory, so the orchestrator restarts it instead of routing traffic to a
 * process that half works: an {@link OutOfMemoryError} thrown on any thread (uncaught, or in a Reactor scheduler
 * task), or a heap pool still at least {@value #EXHAUSTED_PERCENT}% full right after a garbage collection (OOMs on
 * Netty threads are logged, never rethrown, so this is how those show). Sets {@link LivenessState#BROKEN}, which
 * Spring Boot's {@code livenessState} indicator reports as DOWN (503 at {@code /actuator/health/liveness}).
 *
 * <p>The launch scripts also pass {@code -XX:+ExitOnOutOfMemoryError}; this watch is the second line for a JVM started
 * without it. The JVM-wide hooks are installed once and tell every live watch.
 */
@Component
public final class OutOfMemoryWatch implements DisposableBean {

    /** A heap pool this full after a collection counts as exhausted. */
    static final int EXHAUSTED_PERCENT = 97;

    private static final Logger log = LoggerFactory.getLogger(OutOfMemoryWatch.class);
    private static final Set<OutOfMemoryWatch> WATCHES = new CopyOnWriteArraySet<>();
    private static final AtomicBoolean HOOKS_INSTALLED = new AtomicBoolean();

    private final ApplicationEventPublisher publisher;
    private final AtomicBoolean seen = new AtomicBoolean();

    /** Watch for this application context; installs the JVM-wide hooks on first use. */
    public OutOfMemoryWatch(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
        installHooks();
        WATCHES.add(this);
    }

    /** Record a failure; an {@link OutOfMemoryError} (or one in its causes) marks the service broken, once. */
    public void record(Throwable failure) {
        if (isOutOfMemory(failure) && seen.compareAndSet(false, true)) {
            log.error("Out of memory: liveness is now DOWN, this instance needs a restart", failure);
            AvailabilityChangeEvent.publish(publisher, this, LivenessState.BROKEN);
        }
    }

    /** Return true once an out-of-memory condition was recorded. */
    public boolean seen() {
        return seen.get();
    }

    @Override
    public void destroy() {
        WATCHES.remove(this);
    }

    /** Return true when {@code failure} or one of its causes is an {@link OutOfMemoryError}. */
    static boolean isOutOfMemory(@Nullable Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    /** Return a handler that gives every failure to {@code sink}, then to {@code next} (when there is one). */
    static Thread.UncaughtExceptionHandler chain(Consumer<Throwable> sink,
            Thread.@Nullable UncaughtExceptionHandler next) {
        return (thread, failure) -> {
            sink.accept(failure);
            if (next != null) {
                next.uncaughtException(thread, failure);
            } else {
                thread.getThreadGroup().uncaughtException(thread, failure);
            }
        };
    }

    private static void tellAll(Throwable failure) {
        if (isOutOfMemory(failure)) {
            WATCHES.forEach(watch -> watch.record(failure));
        }
    }

    private static void installHooks() {
        if (!HOOKS_INSTALLED.compareAndSet(false, true)) {
            return;
        }
        Thread.setDefaultUncaughtExceptionHandler(chain(OutOfMemoryWatch::tellAll,
                Thread.getDefaultUncaughtExceptionHandler()));
        Schedulers.onHandleError(OutOfMemoryWatch.class.getName(), (thread, failure) -> tellAll(failure));
        NotificationListener exhausted = (Notification n, Object handback) -> {
            if (MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(n.getType())) {
                tellAll(new OutOfMemoryError("heap still over " + EXHAUSTED_PERCENT + "% full after a collection: "
                        + n.getMessage()));
            }
        };
        ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener(exhausted, null, null);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            long max = pool.getUsage() == null ? -1 : pool.getUsage().getMax();
            if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported() && max > 0) {
                pool.setCollectionUsageThreshold(max / 100 * EXHAUSTED_PERCENT);
            }
        }
    }
}
