package dev.enrich.backend.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.enrich.backend.JobQueueContractTest;
import dev.enrich.job.Priority;
import dev.enrich.queue.JobQueue;
import dev.enrich.queue.QueuedJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The memory queue: the shared contract, plus its exact positions, concurrency and configuration. */
class InMemoryJobQueueTest extends JobQueueContractTest {

    @Override
    protected JobQueue newQueue(int capacity, int interactiveBurst) {
        return new InMemoryJobQueue(capacity, interactiveBurst);
    }

    @Test
    void positionsShowThatOneTenantsLargeBatchDoesNotStarveAnotherTenantsJob() {
        InMemoryJobQueue queue = new InMemoryJobQueue(1000, 4);
        for (int i = 0; i < 500; i++) {
            assertThat(queue.offer(batch("a" + i, "A"))).isTrue();
        }
        queue.offer(batch("b", "B"));

        assertThat(queue.position("b")).hasValue(2);
        List<String> firstTwo = List.of(queue.poll().orElseThrow().jobId(), queue.poll().orElseThrow().jobId());
        assertThat(firstTwo).contains("b");

        queue.offer(interactive("b-now", "B"));
        assertThat(queue.position("b-now")).hasValue(1);
        assertThat(queue.poll()).map(QueuedJob::jobId).hasValue("b-now");
    }

    @Test
    void positionMatchesActualPollOrder() {
        Random random = new Random(20250101L);
        for (int round = 0; round < 500; round++) {
            int burst = 1 + random.nextInt(4);
            InMemoryJobQueue queue = new InMemoryJobQueue(200, burst);
            int tenants = 1 + random.nextInt(5);
            int operations = random.nextInt(120);
            int nextId = 0;
            List<String> ids = new ArrayList<>();
            // Interleave offers, polls and removes so the rotation and the burst counter start anywhere.
            for (int op = 0; op < operations; op++) {
                int kind = random.nextInt(10);
                if (kind < 7) {
                    String id = "j" + nextId++;
                    String tenant = "t" + random.nextInt(tenants);
                    Priority priority = random.nextInt(3) == 0 ? Priority.INTERACTIVE : Priority.BATCH;
                    queue.offer(new QueuedJob(id, tenant, priority, NOW));
                    ids.add(id);
                } else if (kind < 9) {
                    queue.poll();
                } else if (!ids.isEmpty()) {
                    queue.remove(ids.get(random.nextInt(ids.size())));
                }
            }

            Map<String, Integer> expected = new HashMap<>();
            for (String id : ids) {
                OptionalInt position = queue.position(id);
                position.ifPresent(p -> expected.put(id, p));
            }
            assertThat(expected).hasSize(queue.size());

            List<String> order = drain(queue);
            Map<String, Integer> actual = new HashMap<>();
            for (int i = 0; i < order.size(); i++) {
                actual.put(order.get(i), i + 1);
            }
            assertThat(actual).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void concurrentOffersAndPollsLoseNothing() throws Exception {
        InMemoryJobQueue queue = new InMemoryJobQueue(64, 2);
        int producers = 4;
        int consumers = 4;
        int jobsPerProducer = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(producers + consumers);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger producersLeft = new AtomicInteger(producers);
        ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> takenCounts = new ConcurrentHashMap<>();
        AtomicInteger rejectedWhileFull = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < jobsPerProducer; i++) {
                        String id = producer + "-" + i;
                        Priority priority = i % 3 == 0 ? Priority.INTERACTIVE : Priority.BATCH;
                        QueuedJob job = new QueuedJob(id, "t" + (i % 7), priority, NOW);
                        while (!queue.offer(job)) {
                            rejectedWhileFull.incrementAndGet();
                            Thread.onSpinWait();
                        }
                        accepted.add(id);
                    }
                    producersLeft.decrementAndGet();
                    return null;
                }));
            }
            for (int c = 0; c < consumers; c++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    while (producersLeft.get() > 0 || queue.size() > 0) {
                        Optional<QueuedJob> job = queue.poll();
                        if (job.isPresent()) {
                            takenCounts.computeIfAbsent(job.get().jobId(), id -> new AtomicInteger())
                                    .incrementAndGet();
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(accepted).hasSize(producers * jobsPerProducer);
        assertThat(takenCounts.keySet()).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(takenCounts.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        assertThat(queue.size()).isZero();
    }

    @Test
    void constructorRejectsBadConfig() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new InMemoryJobQueue(0, 1))
                .withMessage("capacity must be > 0, but was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new InMemoryJobQueue(-1, 1))
                .withMessage("capacity must be > 0, but was -1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new InMemoryJobQueue(10, 0))
                .withMessage("interactiveBurst must be > 0, but was 0");
    }

}
