package dev.enrich.pool;

import dev.enrich.model.PoolStatus;
import dev.enrich.model.SlotHealth;
import dev.enrich.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.enrich.backend.memory.InMemoryJobQueue;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.queue.JobQueue;
import dev.enrich.queue.QueuedJob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class WorkerPoolTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final Map<String, Sinks.One<JobState>> finish = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();

    /** A task that runs until the test finishes it, or until stopped. */
    private final JobTask controlled = (job, stop) -> {
        Sinks.One<JobState> done = finish.computeIfAbsent(job.jobId(), k -> Sinks.one());
        return Mono.firstWithSignal(done.asMono(), stop)
                .doOnSubscribe(s -> maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max))
                .doOnTerminate(running::decrementAndGet)
                .doOnCancel(running::decrementAndGet);
    };

    @Test
    void neverRunsMoreJobsThanSlots() {
        WorkerPool pool = pool(3, controlled);
        for (int i = 0; i < 10; i++) {
            assertThat(pool.submit(job("j" + i, "t"))).isTrue();
        }

        assertThat(running.get()).isEqualTo(3);
        assertThat(pool.status().busy()).isEqualTo(3);
        assertThat(pool.status().queued()).isEqualTo(7);

        for (int i = 0; i < 10; i++) {
            finish.computeIfAbsent("j" + i, k -> Sinks.one()).tryEmitValue(JobState.COMPLETED);
        }
        assertThat(maxRunning.get()).isEqualTo(3);
        assertThat(pool.status().busy()).isZero();
        assertThat(pool.status().slots()).extracting(SlotHealth::jobsRun).containsOnly(4L, 3L, 3L);
    }

    @Test
    void aStoppedJobIsReportedStoppedOnlyOnceItsRunHasEnded() {
        JobTask slowToStop = (job, stop) -> finish.computeIfAbsent(job.jobId(), k -> Sinks.one()).asMono();
        WorkerPool pool = pool(1, slowToStop);
        pool.submit(job("a", "t"));
        pool.submit(job("queued", "t"));
        assertThat(pool.whenStopped("queued").toFuture()).as("not running here").isDone();

        CompletableFuture<Void> stopped = pool.whenStopped("a").toFuture();
        assertThat(pool.stopRunning("a", JobState.CANCELLED)).isTrue();

        assertThat(stopped).as("told to stop, still running").isNotDone();
        finish.get("a").tryEmitValue(JobState.CANCELLED);
        assertThat(stopped).isCompleted();
        assertThat(pool.whenStopped("a").toFuture()).isDone();
    }

    @Test
    void freedSlotTakesTheNextQueuedJob() {
        WorkerPool pool = pool(1, controlled);
        pool.submit(job("a", "t"));
        pool.submit(job("b", "t"));
        assertThat(pool.isRunning("b")).isFalse();
        assertThat(pool.position("b")).hasValue(1);

        finish.get("a").tryEmitValue(JobState.COMPLETED);

        assertThat(pool.isRunning("b")).isTrue();
    }

    @Test
    void reportsAcquisitionLatencyPercentiles() {
        WorkerPool pool = pool(1, controlled);
        for (int i = 0; i < 100; i++) {
            pool.submit(job("j" + i, "t"));
        }
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofMillis(10));
            finish.computeIfAbsent("j" + i, k -> Sinks.one()).tryEmitValue(JobState.COMPLETED);
        }

        PoolStatus.Latency latency = pool.status().acquisition();
        assertThat(latency.samples()).isEqualTo(100);
        assertThat(latency.p50Millis()).isEqualTo(490);
        assertThat(latency.p99Millis()).isEqualTo(980);
        assertThat(latency.maxMillis()).isEqualTo(990);
    }

    @Test
    void recyclesASlotWhoseJobsKeepFailing() {
        WorkerPool pool = pool(1, (job, stop) -> Mono.just(JobState.FAILED));
        for (int i = 0; i < 3; i++) {
            pool.submit(job("f" + i, "t"));
        }

        PoolStatus status = pool.status();
        assertThat(status.recycled()).isEqualTo(1);
        assertThat(status.slots().get(0).generation()).isEqualTo(1);
        assertThat(status.slots().get(0).jobsRun()).isZero();
    }

    @Test
    void replacesTheWorkerThreadOfASlotWhoseJobsKeepFailing() {
        Map<String, Thread> ranOn = new ConcurrentHashMap<>();
        AtomicReference<JobState> next = new AtomicReference<>(JobState.FAILED);
        WorkerPool pool = new WorkerPool(1, 3, 0, new InMemoryJobQueue(100, 8), (job, stop) -> Mono.fromSupplier(() -> {
            ranOn.put(job.jobId(), Thread.currentThread());
            return next.get();
        }), clock, new SimpleMeterRegistry(), true);
        try {
            assertThat(pool.status().slots().get(0).worker()).isEqualTo("enrich-slot-0-g0");
            for (int i = 0; i < 3; i++) {
                pool.submit(job("f" + i, "t"));
            }
            await().untilAsserted(() -> assertThat(pool.status().slots().get(0).generation()).isEqualTo(1));
            next.set(JobState.COMPLETED);
            pool.submit(job("ok", "t"));
            await().untilAsserted(() -> assertThat(pool.status().slots().get(0).jobsRun()).isEqualTo(1));

            Thread failing = ranOn.get("f0");
            assertThat(ranOn.get("f2")).as("one worker per generation").isSameAs(failing);
            assertThat(ranOn.get("ok")).as("the next job runs on a fresh worker").isNotSameAs(failing);
            assertThat(ranOn.get("ok").getName()).isEqualTo("enrich-slot-0-g1");
            await().untilAsserted(() -> assertThat(failing.isAlive()).as("the old worker ended").isFalse());
            SlotHealth slot = pool.status().slots().get(0);
            assertThat(slot.worker()).isEqualTo("enrich-slot-0-g1");
            assertThat(slot.failures()).isZero();
            assertThat(pool.status().recycled()).isEqualTo(1);
        } finally {
            pool.close();
        }
    }

    @Test
    void reportsErrorRateAndMeanDurationPerSlot() {
        AtomicReference<JobState> next = new AtomicReference<>(JobState.COMPLETED);
        WorkerPool pool = pool(1, (job, stop) -> Mono.fromSupplier(() -> {
            clock.advance(Duration.ofMillis(100));
            return next.get();
        }));
        pool.submit(job("ok", "t"));
        next.set(JobState.FAILED);
        pool.submit(job("bad", "t"));

        SlotHealth slot = pool.status().slots().get(0);
        assertThat(slot.jobsRun()).isEqualTo(2);
        assertThat(slot.failures()).isEqualTo(1);
        assertThat(slot.errorRate()).isEqualTo(0.5);
        assertThat(slot.meanDurationMillis()).isEqualTo(100);
    }

    @Test
    void stoppingARunningJobFreesItsSlot() {
        WorkerPool pool = pool(1, controlled);
        pool.submit(job("a", "t"));

        assertThat(pool.stopRunning("a", JobState.CANCELLED)).isTrue();

        assertThat(pool.isRunning("a")).isFalse();
        assertThat(pool.status().idle()).isEqualTo(1);
        assertThat(pool.stopRunning("a", JobState.CANCELLED)).isFalse();
    }

    @Test
    void jobsThatEndSynchronouslyDoNotGrowTheStack() {
        // The queue holds them all; each ends as it starts, re-entering dispatch.
        InMemoryJobQueue big = new InMemoryJobQueue(50_001, 8);
        WorkerPool deep = new WorkerPool(1, 5, big, (job, stop) -> Mono.just(JobState.COMPLETED), clock,
                new SimpleMeterRegistry());
        for (int i = 0; i < 50_000; i++) {
            big.offer(job("d" + i, "t"));
        }
        deep.submit(job("last", "t"));

        assertThat(deep.status().queued()).isZero();
        assertThat(deep.status().slots().get(0).jobsRun()).isEqualTo(50_001);
        assertThat(deep.status().busy()).isZero();
    }

    @Test
    void drainLetsRunningJobsFinishWithinTheTimeout() {
        WorkerPool pool = pool(2, controlled);
        pool.submit(job("a", "t"));
        pool.submit(job("b", "t"));
        pool.submit(job("queued1", "t"));
        pool.submit(job("queued2", "t"));

        StepVerifier.withVirtualTime(() -> pool.drain(Duration.ofSeconds(30)))
                .then(() -> assertThat(pool.submit(job("late", "t"))).isFalse())
                .thenAwait(Duration.ofSeconds(5))
                .then(() -> finish.get("a").tryEmitValue(JobState.COMPLETED))
                .then(() -> finish.get("b").tryEmitValue(JobState.COMPLETED))
                .assertNext(dropped -> assertThat(dropped).extracting(QueuedJob::jobId)
                        .containsExactly("queued1", "queued2"))
                .verifyComplete();
        assertThat(pool.accepting()).isFalse();
    }

    @Test
    void drainInterruptsJobsStillRunningAtTheTimeout() {
        AtomicReference<JobState> endedAs = new AtomicReference<>();
        WorkerPool pool = pool(1, (job, stop) -> stop.doOnNext(endedAs::set));
        pool.submit(job("stuck", "t"));

        StepVerifier.withVirtualTime(() -> pool.drain(Duration.ofSeconds(30)))
                .thenAwait(Duration.ofSeconds(29))
                .then(() -> assertThat(endedAs.get()).isNull())
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(dropped -> assertThat(dropped).isEmpty())
                .verifyComplete();
        assertThat(endedAs.get()).isEqualTo(JobState.INTERRUPTED);
        assertThat(pool.status().busy()).isZero();
    }

    @Test
    void rejectsBadConfig() {
        assertThatThrownBy(() -> pool(0, controlled)).hasMessage("size must be > 0, but was 0");
    }

    @Test
    void fullQueueRefusesWork() {
        WorkerPool pool = new WorkerPool(1, 5, new InMemoryJobQueue(1, 8), controlled, clock,
                new SimpleMeterRegistry());
        assertThat(pool.submit(job("running", "t"))).isTrue();
        assertThat(pool.hasRoomFor(1)).as("a running job leaves the queue").isTrue();
        assertThat(pool.hasRoomFor(2)).isFalse();
        assertThat(pool.submit(job("waiting", "t"))).isTrue();
        assertThat(pool.hasRoomFor(1)).isFalse();

        assertThat(pool.submit(job("refused", "t"))).isFalse();
        assertThat(List.of(pool.status().queued(), pool.status().queueCapacity())).containsExactly(1, 1);
    }

    @Test
    void cancellingRunningJobsUnderLoadLeaksNoSlot() {
        WorkerPool pool = pool(2, controlled);
        for (int i = 0; i < 6; i++) {
            pool.submit(job("j" + i, "t"));
        }

        for (int i = 0; i < 6; i++) {
            assertThat(pool.stopRunning("j" + i, JobState.CANCELLED)).isTrue();
        }

        assertThat(running.get()).isZero();
        assertThat(maxRunning.get()).isEqualTo(2);
        PoolStatus status = pool.status();
        assertThat(List.of(status.busy(), status.idle(), status.queued())).containsExactly(0, 2, 0);
        assertThat(status.slots()).extracting(SlotHealth::currentJobId).containsOnlyNulls();
        assertThat(status.slots()).extracting(SlotHealth::jobsRun).containsOnly(3L);
    }

    @Test
    void aCancelledQueuedJobNeverRuns() {
        WorkerPool pool = pool(1, controlled);
        pool.submit(job("a", "t"));
        pool.submit(job("b", "t"));

        assertThat(pool.removeQueued("b")).isTrue();
        finish.get("a").tryEmitValue(JobState.COMPLETED);

        assertThat(finish).doesNotContainKey("b");
        assertThat(pool.status().busy()).isZero();
    }

    @Test
    void aTenantAtItsRunningCapWaitsWhileOthersRun() {
        WorkerPool pool = new WorkerPool(3, 3, 1, new InMemoryJobQueue(100, 8), controlled, clock,
                new SimpleMeterRegistry());
        pool.submit(job("a1", "a"));
        pool.submit(job("a2", "a"));
        pool.submit(job("b1", "b"));

        assertThat(List.of(pool.isRunning("a1"), pool.isRunning("a2"), pool.isRunning("b1")))
                .containsExactly(true, false, true);
        assertThat(pool.status().idle()).isEqualTo(1);

        finish.get("a1").tryEmitValue(JobState.COMPLETED);

        assertThat(pool.isRunning("a2")).isTrue();
    }

    @Test
    void resumeAfterADrainDispatchesAgain() {
        WorkerPool pool = pool(1, controlled);
        StepVerifier.create(pool.drain(Duration.ofSeconds(30)))
                .assertNext(dropped -> assertThat(dropped).isEmpty())
                .verifyComplete();
        assertThat(pool.submit(job("refused", "t"))).isFalse();

        pool.resume();

        assertThat(pool.submit(job("a", "t"))).isTrue();
        assertThat(pool.isRunning("a")).isTrue();
    }

    @Test
    void closeCutsRunningJobsAndFreesTheirSlots() {
        WorkerPool pool = pool(2, controlled);
        pool.submit(job("a", "t"));
        pool.submit(job("b", "t"));

        pool.close();

        assertThat(running.get()).isZero();
        assertThat(pool.status().busy()).isZero();
        assertThat(pool.isRunning("a")).isFalse();
    }

    @Test
    void submissionsOfferConcurrentlyWhileTheQueueWaits() throws Exception {
        // A queue whose offers wait for Redis: two submissions must be inside offerAll at once, not one after the
        // other (each offer here waits until both are in, and fails if the other never comes).
        CyclicBarrier bothIn = new CyclicBarrier(2);
        JobQueue waiting = new ForwardingJobQueue(new InMemoryJobQueue(100, 8)) {
            @Override
            public boolean offerAll(List<QueuedJob> jobs) {
                try {
                    bothIn.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    return false;
                }
                return super.offerAll(jobs);
            }
        };
        WorkerPool pool = new WorkerPool(1, 3, waiting, controlled, clock, new SimpleMeterRegistry());

        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> pool.submit(job("a", "t")));
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> pool.submit(job("b", "t")));

        assertThat(List.of(first.get(), second.get())).containsExactly(true, true);
        assertThat(running.get() + pool.status().queued()).isEqualTo(2);
    }

    @Test
    void publishesAcquisitionBusyAndQueuedMeters() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        WorkerPool pool = new WorkerPool(1, 3, new InMemoryJobQueue(100, 8), controlled, clock, meters);
        pool.submit(job("a", "t"));
        pool.submit(job("b", "t"));
        clock.advance(Duration.ofMillis(250));
        finish.get("a").tryEmitValue(JobState.COMPLETED);

        assertThat(meters.get("enrich.pool.busy").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("enrich.pool.queued").gauge().value()).isZero();
        assertThat(meters.get("enrich.pool.acquisition").timer().count()).isEqualTo(2);
        assertThat(meters.get("enrich.pool.acquisition").timer().max(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isEqualTo(250.0);
        assertThat(pool.status().acquisition().samples()).isEqualTo(2);
        assertThat(pool.status().acquisition().maxMillis()).isEqualTo(250);
    }

    @Test
    void aRunWhoseEntryTheQueueSaysWasTakenOverIsToldToStopAsRunningElsewhereAndNoOtherRunIs() {
        Sinks.Many<QueuedJob> lost = Sinks.many().multicast().directBestEffort();
        JobQueue queue = new ForwardingJobQueue(new InMemoryJobQueue(100, 8)) {
            @Override
            public Flux<QueuedJob> lost() {
                return lost.asFlux();
            }
        };
        Map<String, JobState> stoppedWith = new ConcurrentHashMap<>();
        JobTask task = (job, stop) -> stop.doOnNext(reason -> stoppedWith.put(job.jobId(), reason));
        WorkerPool pool = new WorkerPool(3, 3, queue, task, clock, new SimpleMeterRegistry());
        QueuedJob a = job("a", "t");
        pool.submit(a);
        pool.submit(job("b", "t"));

        lost.tryEmitNext(new QueuedJob("a", "t", a.priority(), a.enqueuedAt(), a.attempt(), a.delivery() + 1));
        assertThat(stoppedWith).as("another delivery's run is not this one").isEmpty();
        lost.tryEmitNext(a);

        assertThat(stoppedWith).containsExactly(Map.entry("a", JobState.RUNNING));
        assertThat(pool.isRunning("a")).isFalse();
        assertThat(pool.isRunning("b")).isTrue();
        assertThat(pool.stopRunning("b", JobState.CANCELLED)).isTrue();
        pool.close();
        assertThat(lost.currentSubscriberCount()).as("the pool stops listening when closed").isZero();
    }

    @Test
    void aCancelOfARunToldToStopForAnotherReasonIsNotTakenAsOnItsWay() {
        // The run's task keeps running after its stop (a slow one): a cancel that comes after a drain's interrupt
        // cannot change what the task was told, so the caller must record the cancel itself.
        Map<String, JobState> told = new ConcurrentHashMap<>();
        JobTask slowToStop = (job, stop) -> stop.doOnNext(reason -> told.put(job.jobId(), reason))
                .then(finish.computeIfAbsent(job.jobId(), k -> Sinks.one()).asMono());
        WorkerPool pool = pool(1, slowToStop);
        pool.submit(job("a", "t"));
        pool.drain(Duration.ZERO).subscribe();
        await().atMost(Duration.ofSeconds(10)).until(() -> told.containsKey("a"));

        assertThat(told.get("a")).isEqualTo(JobState.INTERRUPTED);
        assertThat(pool.stopRunning("a", JobState.CANCELLED)).isFalse();
        assertThat(pool.stopRunning("a", JobState.INTERRUPTED)).isTrue();
        finish.get("a").tryEmitValue(JobState.INTERRUPTED);
    }

    private WorkerPool pool(int size, JobTask task) {
        return new WorkerPool(size, 3, new InMemoryJobQueue(100, 8), task, clock, new SimpleMeterRegistry());
    }

    private QueuedJob job(String id, String tenant) {
        return new QueuedJob(id, tenant, Priority.INTERACTIVE, clock.instant());
    }
}
