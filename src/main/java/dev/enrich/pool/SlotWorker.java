package dev.enrich.pool;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Own one slot's thread: the job in the slot is started on it. Replacing a slot shuts its worker down (the thread ends
 * once what it runs returns) and gives the slot a fresh one, so nothing a failing generation left on its thread
 * reaches the next job.
 */
final class SlotWorker {

    private final String name;
    private final ExecutorService executor;
    private final Scheduler scheduler;

    SlotWorker(int slot, int generation) {
        this.name = "enrich-slot-" + slot + "-g" + generation;
        this.executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        // Cancelling a job's start interrupts it, like the stage scheduler does.
        this.scheduler = Schedulers.fromExecutorService(executor, name);
    }

    /** Return the worker's name, also its thread's. */
    String name() {
        return name;
    }

    /** Return the scheduler a job in this slot starts on. */
    Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Let the thread end once its current task returns; nothing new starts on it. It is not interrupted: the slot is
     * retired from the ending job's own thread, which still frees the slot and hands the job's end to the queue.
     */
    void retire() {
        executor.shutdown();
    }
}
