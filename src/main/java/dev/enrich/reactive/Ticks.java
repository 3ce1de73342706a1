package dev.enrich.reactive;

import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Timers for I/O work (Redis, S3) whose stop never interrupts that work.
 *
 * <p>Reactor cancels a scheduled task that is running on another thread with {@link Thread#interrupt()}. A step that
 * runs inside a timer's task ({@code Flux.interval(...).concatMap(step)} subscribes the step there) and writes to
 * a shared Lettuce connection can so be interrupted mid-write by a {@code dispose()} from any other thread (a close,
 * a request's end). Here the timer's task only hands each tick over to a task no one keeps, so a dispose cancels
 * the step (its Redis command is cancelled, as any cancel does) without interrupting the thread that runs it.
 */
public final class Ticks {

    private Ticks() {}

    /**
     * Return ticks after {@code first}, then every {@code period} on {@code timer}, delivered on {@code timer}'s
     * threads in tasks that no cancel interrupts. Ticks that come while a step runs are dropped (a step slower than
     * its period skips ticks instead of failing); follow with {@code concatMap(step)} (no prefetch: with a prefetch,
     * a tick would wait, and its step start on the thread that ended the step before).
     *
     * @param first the delay before the first tick; zero for one at once
     * @param period the time between ticks; must be positive
     * @param timer the scheduler that times the ticks and runs their steps
     */
    public static Flux<Long> every(Duration first, Duration period, Scheduler timer) {
        // Dropped before the hand-over too: a hand-over still queued must not make the interval fail for want of demand.
        return Flux.interval(first, period, timer).onBackpressureDrop()
                .publishOn(uninterrupted(timer), 1)
                .onBackpressureDrop();
    }

    /**
     * Return a scheduler that runs tasks on {@code timer}'s threads and cancels them without an interrupt: a task
     * cancelled before it runs never runs; one that runs already goes on. Put work that writes to a shared connection
     * behind it ({@code publishOn}) when what emits to that work runs in a task someone may cancel.
     *
     * @param timer where the tasks run
     */
    public static Scheduler uninterrupted(Scheduler timer) {
        // Executor-backed: Reactor tracks these tasks with a flag only (an Executor gives no Future to cancel), and
        // the task handed to timer is never kept, so never disposed.
        return Schedulers.fromExecutor(timer::schedule);
    }
}
