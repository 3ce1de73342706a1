package dev.enrich.backend.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.enrich.job.Priority;
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

class InMemoryJobQueueTest {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    private static QueuedJob interactive(String id, String tenant) {
        return new QueuedJob(id, tenant, Priority.INTERACTIVE, NOW);
    }

    private static QueuedJob batch(String id, String tenant) {
        return new QueuedJob(id, tenant, Priority.BATCH, NOW);
    }

    private static List<String> drain(InMemoryJobQueue queue) {
        List<String> ids = new ArrayList<>();
        for (Optional<QueuedJob> job = queue.poll(); job.isPresent(); job = queue.poll()) {
            ids.add(job.get().jobId());
        }
        return ids;
    }

    @Test
    void interactiveJobsGoBeforeBatchJobs() {
        InMemoryJobQueue queue = new InMemoryJobQueue(10, 100);
        queue.offer(batch("b1", "t"));
        queue.offer(batch("b2", "t"));
        queue.offer(interactive("i1", "t"));
        queue.offer(interactive("i2", "u"));

        assertThat(drain(queue)).containsExactly("i1", "i2", "b1", "b2");
    }

    @Test
    void batchStillMovesUnderSteadyInteractiveLoad() {
        InMemoryJobQueue queue = new InMemoryJobQueue(100, 3);
        queue.offer(batch("b1", "t"));
        queue.offer(batch("b2", "t"));
        List<String> taken = new ArrayList<>();
        // Keep one interactive job waiting at all times, as under steady interactive load.
        for (int i = 0; i < 8; i++) {
            queue.offer(interactive("i" + i, "u"));
            taken.add(queue.poll().orElseThrow().jobId());
        }

        assertThat(taken).containsExactly("i0", "i1", "i2", "b1", "i3", "i4", "i5", "b2");
    }

    @Test
    void tenantsTakeTurnsWithinAPriority() {
        InMemoryJobQueue queue = new InMemoryJobQueue(10, 1);
        queue.offer(interactive("a1", "A"));
        queue.offer(interactive("a2", "A"));
        queue.offer(interactive("a3", "A"));
        queue.offer(interactive("b1", "B"));
        queue.offer(interactive("c1", "C"));
        queue.offer(interactive("c2", "C"));

        assertThat(drain(queue)).containsExactly("a1", "b1", "c1", "a2", "c2", "a3");
    }

    @Test
    void oneTenantsLargeBatchDoesNotStarveAnotherTenantsJob() {
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
    void fifoWithinATenant() {
        InMemoryJobQueue queue = new InMemoryJobQueue(10, 1);
        for (int i = 0; i < 5; i++) {
            queue.offer(batch("j" + i, "t"));
        }

        assertThat(drain(queue)).containsExactly("j0", "j1", "j2", "j3", "j4");
    }

    @Test
    void rejectsWhenFullAndAcceptsAgainAfterPoll() {
        InMemoryJobQueue queue = new InMemoryJobQueue(2, 1);
        assertThat(queue.offer(batch("1", "t"))).isTrue();
        assertThat(queue.offer(interactive("2", "u"))).isTrue();

        assertThat(queue.offer(interactive("3", "v"))).isFalse();
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.position("3")).isEmpty();

        assertThat(queue.poll()).map(QueuedJob::jobId).hasValue("2");
        assertThat(queue.offer(interactive("3", "v"))).isTrue();
        assertThat(queue.size()).isEqualTo(queue.capacity());
    }

    @Test
    void rejectsDuplicateJobId() {
        InMemoryJobQueue queue = new InMemoryJobQueue(10, 1);
        assertThat(queue.offer(batch("j", "t"))).isTrue();

        assertThat(queue.offer(interactive("j", "other"))).isFalse();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(drain(queue)).containsExactly("j");
        assertThat(queue.offer(interactive("j", "other"))).as("accepted again once taken").isTrue();
    }

    @Test
    void removeCancelsAQueuedJob() {
        InMemoryJobQueue queue = new InMemoryJobQueue(10, 1);
        queue.offer(interactive("a1", "A"));
        queue.offer(interactive("a2", "A"));
        queue.offer(interactive("b1", "B"));
        queue.offer(interactive("c1", "C"));

        assertThat(queue.remove("a2")).isTrue();
        assertThat(queue.remove("b1")).isTrue();
        assertThat(queue.remove("b1")).isFalse();
        assertThat(queue.remove("unknown")).isFalse();
        assertThat(queue.position("b1")).isEmpty();
        assertThat(queue.size()).isEqualTo(2);

        // B left the rotation; rejoining puts it at the back.
        queue.offer(interactive("b2", "B"));
        assertThat(drain(queue)).containsExactly("a1", "c1", "b2");
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

    @Test
    void aTenantAtItsCapKeepsItsJobsAndItsTurnWhileOthersAreServed() {
        InMemoryJobQueue queue = new InMemoryJobQueue(10, 100);
        queue.offer(interactive("a1", "a"));
        queue.offer(interactive("a2", "a"));
        queue.offer(interactive("b1", "b"));
        queue.offer(batch("c1", "c"));

        assertThat(queue.poll(tenant -> !tenant.equals("a")).map(QueuedJob::jobId)).hasValue("b1");
        assertThat(queue.size("a")).isEqualTo(2);
        // Only a's interactive jobs and c's batch job are left; with a capped, the batch lane serves c.
        assertThat(queue.poll(tenant -> !tenant.equals("a")).map(QueuedJob::jobId)).hasValue("c1");
        assertThat(queue.poll(tenant -> !tenant.equals("a"))).isEmpty();
        assertThat(queue.size()).isEqualTo(2);
        // Once a may start again, it is first in line, FIFO.
        assertThat(queue.poll(tenant -> true).map(QueuedJob::jobId)).hasValue("a1");
        assertThat(queue.size("a")).isEqualTo(1);
        assertThat(queue.size("b")).isZero();
    }

    @Test
    void takeEmitsOnlyWhatIsRequestedInTheFairOrder() {
        InMemoryJobQueue queue = new InMemoryJobQueue(10, 100);
        queue.offer(batch("b1", "t"));
        queue.offer(interactive("t1", "t"));
        queue.offer(interactive("t2", "t"));
        queue.offer(interactive("u1", "u"));

        StepVerifier.create(queue.take(tenant -> true).map(QueuedJob::jobId), 0)
                .then(() -> assertThat(queue.size()).isEqualTo(4))
                .thenRequest(2)
                .expectNext("t1", "u1")
                .then(() -> assertThat(queue.size()).isEqualTo(2))
                .thenRequest(1)
                .expectNext("t2")
                .thenCancel()
                .verify();
        assertThat(drain(queue)).containsExactly("b1");
    }

    @Test
    void takeWaitsForOffersWhileRequestedAndStopsOnCancel() {
        InMemoryJobQueue queue = new InMemoryJobQueue(10, 100);

        StepVerifier.create(queue.take(tenant -> true).map(QueuedJob::jobId), 1)
                .then(() -> queue.offerAll(List.of(interactive("a", "t"), interactive("b", "t"))))
                .expectNext("a")
                .then(() -> assertThat(queue.size()).isEqualTo(1))
                .thenCancel()
                .verify();
        queue.offer(interactive("c", "t"));
        assertThat(drain(queue)).containsExactly("b", "c");
    }

    @Test
    void takeLeavesTenantsTheGateRefusesQueuedWithTheirTurn() {
        InMemoryJobQueue queue = new InMemoryJobQueue(10, 100);
        queue.offer(interactive("a1", "a"));
        queue.offer(interactive("b1", "b"));
        queue.offer(interactive("b2", "b"));
        List<String> asked = new ArrayList<>();

        StepVerifier.create(queue.take(tenant -> asked.add(tenant) && tenant.equals("b")).map(QueuedJob::jobId), 3)
                .expectNext("b1", "b2")
                .thenCancel()
                .verify();
        assertThat(asked).startsWith("a", "b");
        assertThat(drain(queue)).containsExactly("a1");
    }

    @Test
    void offerAllIsAllOrNothing() {
        InMemoryJobQueue queue = new InMemoryJobQueue(3, 100);
        queue.offer(interactive("a", "t"));

        assertThat(queue.offerAll(List.of(interactive("b", "t"), interactive("c", "t"), interactive("d", "t"))))
                .isFalse();
        assertThat(queue.offerAll(List.of(interactive("b", "t"), interactive("a", "t")))).isFalse();
        assertThat(queue.offerAll(List.of(interactive("b", "t"), interactive("b", "u")))).isFalse();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.offerAll(List.of(interactive("b", "t"), interactive("c", "t")))).isTrue();
        assertThat(drain(queue)).containsExactly("a", "b", "c");
    }
}
