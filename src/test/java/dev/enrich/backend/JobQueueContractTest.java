package dev.enrich.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.queue.JobQueue;
import dev.enrich.queue.QueuedJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * The {@link JobQueue} contract every backend passes: fair order (interactive first with anti-starvation, tenants
 * round robin, FIFO per tenant), demand-driven {@code take}, all-or-nothing offers, capacity, remove.
 */
public abstract class JobQueueContractTest {

    protected static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    /** Return an empty queue of its own. */
    protected abstract JobQueue newQueue(int capacity, int interactiveBurst);

    protected static QueuedJob interactive(String id, String tenant) {
        return new QueuedJob(id, tenant, Priority.INTERACTIVE, NOW);
    }

    protected static QueuedJob batch(String id, String tenant) {
        return new QueuedJob(id, tenant, Priority.BATCH, NOW);
    }

    protected static List<String> drain(JobQueue queue) {
        List<String> ids = new ArrayList<>();
        for (Optional<QueuedJob> job = queue.poll(); job.isPresent(); job = queue.poll()) {
            ids.add(job.get().jobId());
        }
        return ids;
    }

    @Test
    void interactiveJobsGoBeforeBatchJobs() {
        JobQueue queue = newQueue(10, 100);
        queue.offer(batch("b1", "t"));
        queue.offer(batch("b2", "t"));
        queue.offer(interactive("i1", "t"));
        queue.offer(interactive("i2", "u"));

        assertThat(drain(queue)).containsExactly("i1", "i2", "b1", "b2");
    }

    @Test
    void batchStillMovesUnderSteadyInteractiveLoad() {
        JobQueue queue = newQueue(100, 3);
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
        JobQueue queue = newQueue(10, 1);
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
        JobQueue queue = newQueue(1000, 4);
        for (int i = 0; i < 500; i++) {
            assertThat(queue.offer(batch("a" + i, "A"))).isTrue();
        }
        queue.offer(batch("b", "B"));

        List<String> firstTwo = List.of(queue.poll().orElseThrow().jobId(), queue.poll().orElseThrow().jobId());
        assertThat(firstTwo).contains("b");

        queue.offer(interactive("b-now", "B"));
        assertThat(queue.poll()).map(QueuedJob::jobId).hasValue("b-now");
    }

    @Test
    void fifoWithinATenant() {
        JobQueue queue = newQueue(10, 1);
        for (int i = 0; i < 5; i++) {
            queue.offer(batch("j" + i, "t"));
        }

        assertThat(drain(queue)).containsExactly("j0", "j1", "j2", "j3", "j4");
    }

    @Test
    void rejectsWhenFullAndAcceptsAgainAfterPoll() {
        JobQueue queue = newQueue(2, 1);
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
        JobQueue queue = newQueue(10, 1);
        assertThat(queue.offer(batch("j", "t"))).isTrue();

        assertThat(queue.offer(interactive("j", "other"))).isFalse();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(drain(queue)).containsExactly("j");
        assertThat(queue.offer(interactive("j", "other"))).as("accepted again once taken").isTrue();
    }

    @Test
    void removeCancelsAQueuedJob() {
        JobQueue queue = newQueue(10, 1);
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
    void aTenantAtItsCapKeepsItsJobsAndItsTurnWhileOthersAreServed() {
        JobQueue queue = newQueue(10, 100);
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
        JobQueue queue = newQueue(10, 100);
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
        JobQueue queue = newQueue(10, 100);

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
        JobQueue queue = newQueue(10, 100);
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
        JobQueue queue = newQueue(3, 100);
        queue.offer(interactive("a", "t"));

        assertThat(queue.offerAll(List.of(interactive("b", "t"), interactive("c", "t"), interactive("d", "t"))))
                .isFalse();
        assertThat(queue.offerAll(List.of(interactive("b", "t"), interactive("a", "t")))).isFalse();
        assertThat(queue.offerAll(List.of(interactive("b", "t"), interactive("b", "u")))).isFalse();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.offerAll(List.of(interactive("b", "t"), interactive("c", "t")))).isTrue();
        assertThat(drain(queue)).containsExactly("a", "b", "c");
    }

    @Test
    void aTakenJobThatIsDoneIsNotHandedOutAgain() {
        JobQueue queue = newQueue(10, 100);
        queue.offer(interactive("a", "t"));
        QueuedJob taken = queue.poll().orElseThrow();

        StepVerifier.create(queue.done(taken, JobState.COMPLETED)).verifyComplete();
        StepVerifier.create(queue.done(interactive("unknown", "t"), JobState.COMPLETED)).verifyComplete();
        assertThat(queue.size()).isZero();
        assertThat(queue.poll()).isEmpty();
    }
}
