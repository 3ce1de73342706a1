package dev.enrich.backend.redis;

import org.springframework.context.SmartLifecycle;

/**
 * Stop a Redis-backed background flow (timers, subscriptions) when the context stops: after the engine's drain
 * (phase {@code Integer.MAX_VALUE}), before the web server and the Redis connection factory stop. A destroy method runs
 * only after the factory has stopped, so timers still ticking then fail against a stopped factory.
 */
final class StopBeforeRedis implements SmartLifecycle {

    private final Runnable stop;
    private volatile boolean running;

    StopBeforeRedis(Runnable stop) {
        this.stop = stop;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        stop.run();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
