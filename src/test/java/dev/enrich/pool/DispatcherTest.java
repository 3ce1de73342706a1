package dev.enrich.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.memory.InMemoryJobQueue;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.model.SlotHealth;
import dev.enrich.queue.JobQueue;
import dev.enrich.queue.QueuedJob;
import dev.enrich.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

/** The dispatch Flux on its own: backpressure is the pool, and no job can end it. */
class DispatcherTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final InMemoryJobQueue queue = new InMemoryJobQueue(1_000, 8);
    private final Map<String, Sinks.One<JobState>> finish = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final List<String> ended = new CopyOnWriteArrayList<>();

    /** A task that runs until the test finishes it, or until stopped. */
    private final JobTask controlled = (job, stop) -> Mono.firstWithSignal(
                    finish.computeIfAbsent(job.jobId(), k -> Sinks.one()).asMono(), stop)
            .doOnSubscribe(s -> maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max))
            .doOnTerminate(running::decrementAndGet)
            .doOnCancel(running::decrementAndGet);

    private final DispatchListener endings = new DispatchListener() {
        @Override
        public void started(QueuedJob job, long startMillis) {}

        @Override
        public void finished(QueuedJob job, JobState state, long startMillis, long endMillis) {
            ended.add(job.jobId() + ":" + state.name());
        }
    };

    @Test
    void withManyQueuedJobsExactlyConcurrencyAreRequestedAndRun() {
        for (int i = 0; i < 50; i++) {
            queue.offer(job("j" + i, "t" + i % 5));
        }
        AtomicInteger requested = new AtomicInteger();
        JobQueue counting = new SourceQueue(queue, gate -> queue.take(gate).doOnRequest(n -> requested.addAndGet(
                (int) n)));
        Dispatcher dispatcher = new Dispatcher(counting, controlled, clock, 3, 0, List.of(endings));

        StepVerifier.create(dispatcher.jobs())
                .then(() -> {
                    assertThat(requested).hasValue(3);
                    assertThat(running).hasValue(3);
                    assertThat(queue.size()).isEqualTo(47);
                })
                .then(() -> finish.get("j0").tryEmitValue(JobState.COMPLETED))
                .then(() -> {
                    assertThat(requested).hasValue(4);
                    assertThat(running).hasValue(3);
                    assertThat(queue.size()).isEqualTo(46);
                })
                .then(() -> {
                    for (int i = 0; i < 50; i++) {
                        finish.computeIfAbsent("j" + i, k -> Sinks.one()).tryEmitValue(JobState.COMPLETED);
                    }
                })
                .then(() -> {
                    assertThat(ended).hasSize(50);
                    assertThat(maxRunning).hasValue(3);
                    assertThat(requested).hasValue(3 + 50);
                })
                .thenCancel()
                .verify();
    }

    @Test
    void aFreeSlotIsTheOnlyDemandTheSourceSees() {
        // A compliant TestPublisher fails the Flux if it must emit more than was requested.
        TestPublisher<QueuedJob> source = TestPublisher.create();
        JobQueue fromPublisher = new SourceQueue(queue, gate -> source.flux()
                .doOnNext(job -> assertThat(gate.test(job.tenant())).isTrue()));
        Dispatcher dispatcher = new Dispatcher(fromPublisher, controlled, clock, 2, 0, List.of(endings));

        StepVerifier.create(dispatcher.jobs())
                .then(() -> source.assertMinRequested(2).assertMaxRequested(2))
                .then(() -> source.next(job("a", "t"), job("b", "t")))
                .then(() -> source.assertMaxRequested(0))
                .then(() -> assertThat(running).hasValue(2))
                .then(() -> finish.get("b").tryEmitValue(JobState.COMPLETED))
                .then(() -> source.assertMinRequested(1).assertMaxRequested(1))
                .then(() -> source.next(job("c", "t")))
                .then(() -> source.assertMaxRequested(0))
                .then(() -> assertThat(ended).containsExactly("b:COMPLETED"))
                .thenCancel()
                .verify();
    }

    @Test
    void jobsThatErrorThrowOrEndEmptyEndFailedAndDispatchGoesOn() {
        JobTask faulty = (job, stop) -> switch (job.jobId()) {
            case "errors" -> Mono.error(new IllegalStateException("boom"));
            case "throws" -> throw new IllegalStateException("boom before a Mono");
            case "empty" -> Mono.empty();
            default -> Mono.just(JobState.COMPLETED);
        };
        Dispatcher dispatcher = new Dispatcher(queue, faulty, clock, 1, 0, List.of(endings));

        StepVerifier.create(dispatcher.jobs())
                .then(() -> queue.offerAll(List.of(job("errors", "t"), job("throws", "t"), job("empty", "t"),
                        job("ok", "t"))))
                .then(() -> queue.offer(job("later", "t")))
                .then(() -> assertThat(ended).containsExactly("errors:FAILED", "throws:FAILED", "empty:FAILED",
                        "ok:COMPLETED", "later:COMPLETED"))
                .then(() -> assertThat(queue.size()).isZero())
                .thenCancel() // fails verify() had any job ended the Flux with an error
                .verify();
    }

    @Test
    void aCrashedTaskLeavesItsJobToTheQueueInsteadOfAcknowledgingIt() {
        List<String> done = new CopyOnWriteArrayList<>();
        JobQueue recording = new ForwardingJobQueue(queue) {
            @Override
            public Mono<Void> done(QueuedJob job, JobState state) {
                done.add(job.jobId() + ":" + state.name());
                return Mono.empty();
            }
        };
        JobTask task = (job, stop) -> job.jobId().equals("crashes") ? Mono.error(new IllegalStateException("boom"))
                : Mono.just(JobState.valueOf(job.jobId()));
        Dispatcher dispatcher = new Dispatcher(recording, task, clock, 1, 0, List.of(endings));

        StepVerifier.create(dispatcher.jobs())
                .then(() -> queue.offerAll(List.of(job("crashes", "t"), job("FAILED", "t"), job("COMPLETED", "t"))))
                .then(() -> {
                    // Released (a non-terminal state): a durable queue hands the crashed job out again.
                    assertThat(done).containsExactly("crashes:QUEUED", "FAILED:FAILED", "COMPLETED:COMPLETED");
                    assertThat(ended).containsExactly("crashes:FAILED", "FAILED:FAILED", "COMPLETED:COMPLETED");
                })
                .thenCancel()
                .verify();
    }

    @Test
    void aFailingListenerDoesNotStopDispatchOrLeakTheSlot() {
        DispatchListener broken = new DispatchListener() {
            @Override
            public void started(QueuedJob job, long startMillis) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void finished(QueuedJob job, JobState state, long startMillis, long endMillis) {
                throw new IllegalStateException("observer bug");
            }
        };
        Dispatcher dispatcher = new Dispatcher(queue, (job, stop) -> Mono.just(JobState.COMPLETED), clock, 1, 0,
                List.of(broken, endings));

        StepVerifier.create(dispatcher.jobs())
                .then(() -> queue.offerAll(List.of(job("a", "t"), job("b", "t"))))
                .then(() -> assertThat(ended).containsExactly("a:COMPLETED", "b:COMPLETED"))
                .thenCancel()
                .verify();
    }

    @Test
    void cancellingTheDispatchEndsRunningJobsAndFreesTheirSlots() {
        Dispatcher dispatcher = new Dispatcher(queue, controlled, clock, 2, 0, List.of(endings));

        StepVerifier.create(dispatcher.jobs())
                .then(() -> queue.offerAll(List.of(job("a", "t"), job("b", "t"), job("c", "t"))))
                .then(() -> assertThat(running).hasValue(2))
                .thenCancel()
                .verify();

        assertThat(running).hasValue(0);
        assertThat(ended).containsExactlyInAnyOrder("a:INTERRUPTED", "b:INTERRUPTED");
        assertThat(dispatcher.isRunning("a")).isFalse();
        assertThat(queue.size()).isEqualTo(1); // c never left the queue
    }

    @Test
    void aJobHandedOutAgainWhileItsLostRunGoesOnHoldsASlotPerRunAndEachRunFreesItsOwn() {
        // A durable queue hands job j out again (delivery 2) while the run of delivery 1, which lost its entry during
        // a stall, still goes on here: both hold a slot until each ends.
        TestPublisher<QueuedJob> source = TestPublisher.create();
        Map<String, Sinks.One<JobState>> byRun = new ConcurrentHashMap<>();
        JobTask perDelivery = (job, stop) -> Mono.firstWithSignal(
                byRun.computeIfAbsent(job.jobId() + "#" + job.delivery(), k -> Sinks.one()).asMono(), stop);
        WorkerPool pool = new WorkerPool(3, 5, 0, new SourceQueue(queue, gate -> source.flux()), perDelivery, clock,
                new SimpleMeterRegistry(), true);
        try {
            source.next(delivered("j", 1), delivered("j", 2));
            assertThat(pool.status().busy()).isEqualTo(2);
            Integer second = pool.slotOf("j");

            byRun.computeIfAbsent("j#1", k -> Sinks.one()).tryEmitValue(JobState.CANCELLED); // the lost run gives way
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> pool.status().busy() == 1);
            assertThat(pool.isRunning("j")).isTrue();
            assertThat(pool.slotOf("j")).as("the run of delivery 2 keeps its slot").isEqualTo(second);

            // Two more jobs take the two free slots, none the one delivery 2 holds.
            source.next(job("k", "t"), job("l", "t"));
            assertThat(pool.status().busy()).isEqualTo(3);
            assertThat(pool.slotOf("k")).isNotNull().isNotEqualTo(second);
            assertThat(pool.slotOf("l")).isNotNull().isNotEqualTo(second);

            assertThat(pool.stopRunning("j", JobState.CANCELLED)).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> pool.status().busy() == 2);
            assertThat(pool.isRunning("j")).isFalse();
            StepVerifier.create(pool.whenStopped("j")).verifyComplete();
        } finally {
            pool.close();
        }
    }

    @Test
    void underConcurrentSubmitsAndCompletionsAtMostConcurrencyJobsRun() {
        Scheduler workers = Schedulers.newParallel("dispatch-test", 4, true);
        try {
            // Counted from subscription until the state is handed back: the span a job holds its slot.
            JobTask async = (job, stop) -> Mono.fromCallable(() -> JobState.COMPLETED)
                    .subscribeOn(workers)
                    .doOnSubscribe(s -> maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max))
                    .doOnNext(state -> running.decrementAndGet());
            WorkerPool pool = new WorkerPool(3, 5, queue, async, clock,
                    new SimpleMeterRegistry());
            Flux.range(0, 400)
                    .parallel(4).runOn(workers)
                    .doOnNext(i -> assertThat(pool.submit(job("j" + i, "t" + i % 7))).isTrue())
                    .sequential().blockLast(Duration.ofSeconds(30));

            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pool.status()
                    .slots().stream().mapToLong(SlotHealth::jobsRun).sum()).isEqualTo(400));
            assertThat(maxRunning.get()).isBetween(1, 3);
            assertThat(pool.status().busy()).isZero();
            assertThat(pool.status().queued()).isZero();
        } finally {
            workers.dispose();
        }
    }

    private QueuedJob delivered(String id, int delivery) {
        return new QueuedJob(id, "t", Priority.INTERACTIVE, clock.instant(), 0, delivery);
    }

    private QueuedJob job(String id, String tenant) {
        return new QueuedJob(id, tenant, Priority.INTERACTIVE, clock.instant());
    }

    /** A queue whose {@link #take} is a source of the test's choosing; everything else is the in-memory queue. */
    private static final class SourceQueue extends ForwardingJobQueue {

        private final Function<Predicate<String>, Flux<QueuedJob>> source;

        SourceQueue(InMemoryJobQueue delegate, Function<Predicate<String>, Flux<QueuedJob>> source) {
            super(delegate);
            this.source = source;
        }

        @Override
        public Flux<QueuedJob> take(Predicate<String> mayStart) {
            return source.apply(mayStart);
        }
    }
}
