package dev.enrich.backend.redis;

import dev.enrich.job.Priority;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Hold entries read from the streams but not yet handed out, and hand them out in the fair order of
 * {@link dev.enrich.queue.JobQueue}: interactive before batch (with the same anti-starvation burst as the memory
 * queue), tenants round robin within a priority, FIFO within a tenant. A tenant {@code mayStart} refuses keeps its
 * entries and its place. Not thread-safe: the queue guards it.
 */
final class FairBuffer {

    private final int interactiveBurst;
    private final Lane interactive = new Lane();
    private final Lane batch = new Lane();
    private final Map<String, StreamEntry> byJob = new HashMap<>();
    private int interactiveStreak;

    FairBuffer(int interactiveBurst) {
        this.interactiveBurst = interactiveBurst;
    }

    /** Add an entry at the back of its tenant's line; return false when its job is already held. */
    boolean add(StreamEntry entry) {
        if (byJob.putIfAbsent(entry.job().jobId(), entry) != null) {
            return false;
        }
        lane(entry.job().priority()).add(entry);
        return true;
    }

    /** Take the next entry by the fair order among tenants {@code mayStart} allows; null when there is none. */
    @Nullable StreamEntry next(Predicate<String> mayStart) {
        if (byJob.isEmpty()) {
            return null;
        }
        boolean takeBatch = batch.size > 0 && (interactive.size == 0 || interactiveStreak >= interactiveBurst);
        int batchBefore = batch.size;
        StreamEntry entry = (takeBatch ? batch : interactive).take(mayStart);
        if (entry == null) {
            takeBatch = !takeBatch;
            entry = (takeBatch ? batch : interactive).take(mayStart);
        }
        if (entry == null) {
            return null;
        }
        interactiveStreak = takeBatch || batchBefore == 0 ? 0 : interactiveStreak + 1;
        byJob.remove(entry.job().jobId());
        return entry;
    }

    /** Drop the entry of a job; return it, or null when not held. */
    @Nullable StreamEntry remove(String jobId) {
        StreamEntry entry = byJob.remove(jobId);
        if (entry != null) {
            lane(entry.job().priority()).remove(entry);
        }
        return entry;
    }

    /** Return the buffered entry of {@code jobId}, or null. */
    @Nullable StreamEntry get(String jobId) {
        return byJob.get(jobId);
    }

    boolean holds(String jobId) {
        return byJob.containsKey(jobId);
    }

    int size() {
        return byJob.size();
    }

    /** Return the held entries of one priority, for claim refreshes. */
    List<StreamEntry> entries(Priority priority) {
        List<StreamEntry> out = new ArrayList<>();
        lane(priority).byTenant.values().forEach(out::addAll);
        return out;
    }

    private Lane lane(Priority priority) {
        return priority == Priority.BATCH ? batch : interactive;
    }

    private static final class Lane {

        private final Map<String, ArrayDeque<StreamEntry>> byTenant = new HashMap<>();
        private final ArrayDeque<String> rotation = new ArrayDeque<>();
        private int size;

        void add(StreamEntry entry) {
            ArrayDeque<StreamEntry> entries = byTenant.computeIfAbsent(entry.job().tenant(), t -> new ArrayDeque<>());
            if (entries.isEmpty()) {
                rotation.addLast(entry.job().tenant());
            }
            entries.addLast(entry);
            size++;
        }

        @Nullable StreamEntry take(Predicate<String> mayStart) {
            for (Iterator<String> it = rotation.iterator(); it.hasNext(); ) {
                String tenant = it.next();
                if (mayStart.test(tenant)) {
                    it.remove(); // tenants passed over keep their place at the front
                    ArrayDeque<StreamEntry> entries = byTenant.get(tenant);
                    StreamEntry entry = entries.pollFirst();
                    if (entries.isEmpty()) {
                        byTenant.remove(tenant);
                    } else {
                        rotation.addLast(tenant);
                    }
                    size--;
                    return entry;
                }
            }
            return null;
        }

        void remove(StreamEntry entry) {
            ArrayDeque<StreamEntry> entries = byTenant.get(entry.job().tenant());
            entries.remove(entry);
            if (entries.isEmpty()) {
                byTenant.remove(entry.job().tenant());
                rotation.remove(entry.job().tenant());
            }
            size--;
        }
    }
}
