package dev.enrich.pool;

import dev.enrich.job.JobState;
import dev.enrich.model.SlotHealth;
import dev.enrich.queue.QueuedJob;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observe dispatch per worker slot: which slot runs which job, and each slot's health (jobs run, error rate, mean
 * duration, uptime). A slot whose last {@code recycleAfterFailures} jobs all FAILED is replaced: its health starts
 * over, its generation goes up and, when slots have workers of their own, it gets a fresh worker thread. A started
 * job takes the slot freed longest ago. All methods hold one short lock.
 */
final class SlotTracker implements DispatchListener {

    private static final Logger log = LoggerFactory.getLogger(SlotTracker.class);

    private final int recycleAfterFailures;
    private final Slot[] slots;
    private final Deque<Slot> free = new ArrayDeque<>();
    /**
     * Slots by run: the very QueuedJob the dispatcher started (and later finishes), not its job id, since a durable
     * queue may hand a job out again while a run of it that lost its entry still holds a slot here.
     */
    private final Map<QueuedJob, Slot> byRun = new IdentityHashMap<>();
    private long recycled;

    SlotTracker(int size, int recycleAfterFailures, long nowMillis) {
        this(size, recycleAfterFailures, nowMillis, false);
    }

    /** @param ownWorkers give each slot a worker thread of its own, that jobs in the slot start on */
    SlotTracker(int size, int recycleAfterFailures, long nowMillis, boolean ownWorkers) {
        this.recycleAfterFailures = recycleAfterFailures;
        this.slots = new Slot[size];
        for (int i = 0; i < size; i++) {
            slots[i] = new Slot(i, nowMillis, ownWorkers);
            free.add(slots[i]);
        }
    }

    @Override
    public synchronized void started(QueuedJob job, long startMillis) {
        Slot slot = free.poll();
        if (slot == null) {
            throw new IllegalStateException("no free slot for job " + job.jobId() + ": more jobs run than slots");
        }
        slot.jobId = job.jobId();
        byRun.put(job, slot);
    }

    @Override
    public synchronized void finished(QueuedJob job, JobState state, long startMillis, long endMillis) {
        Slot slot = byRun.remove(job);
        if (slot == null) {
            return;
        }
        slot.finished(endMillis - startMillis, state == JobState.FAILED);
        if (slot.consecutiveFailures >= recycleAfterFailures) {
            log.warn("replacing worker slot {} after {} consecutive failures", slot.number, slot.consecutiveFailures);
            slot.recycle(endMillis);
            recycled++;
        }
        free.add(slot);
    }

    /** Report all slots at {@code nowMillis}, consistently. */
    synchronized Report report(long nowMillis) {
        List<SlotHealth> health = new ArrayList<>(slots.length);
        for (Slot s : slots) {
            health.add(s.health(nowMillis));
        }
        return new Report(byRun.size(), recycled, List.copyOf(health));
    }

    /** Return the worker of a started run's slot, or null when slots have none. */
    synchronized @Nullable SlotWorker workerOf(QueuedJob run) {
        Slot slot = byRun.get(run);
        return slot == null ? null : slot.worker;
    }

    /** Retire every slot's worker. */
    synchronized void close() {
        for (Slot s : slots) {
            if (s.worker != null) {
                s.worker.retire();
            }
        }
    }

    /** Return the slot a running job occupies (its latest run's), or null. */
    synchronized @Nullable Integer slotOf(String jobId) {
        Integer found = null;
        long latest = Long.MIN_VALUE;
        for (Map.Entry<QueuedJob, Slot> e : byRun.entrySet()) {
            if (e.getKey().jobId().equals(jobId) && e.getKey().delivery() >= latest) {
                latest = e.getKey().delivery();
                found = e.getValue().number;
            }
        }
        return found;
    }

    /**
     * Report the slots at one instant.
     *
     * @param busy slots running a job
     * @param recycled slots recycled since start
     * @param health per-slot health, by slot number
     */
    record Report(int busy, long recycled, List<SlotHealth> health) {}
}
