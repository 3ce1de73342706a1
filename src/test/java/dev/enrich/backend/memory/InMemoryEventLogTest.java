package dev.enrich.backend.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.enrich.events.EventLog.Opened;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.job.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class InMemoryEventLogTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String STREAM = "job:j1";
    /** The log's own delivery threads, as in the service: nothing else of the test JVM waits behind them. */
    private static final Scheduler FANOUT = Schedulers.newParallel("event-log-test", 2, true);

    @AfterAll
    static void disposeFanout() {
        FANOUT.dispose();
    }

    @Test
    void rejectsNonPositiveSettingsSayingWhatWasWrong() {
        assertThatThrownBy(() -> new InMemoryEventLog(-1, 1, FANOUT, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retainPerStream must be > 0, but was -1");
        assertThatThrownBy(() -> new InMemoryEventLog(1, 0, FANOUT, Duration.ZERO)).hasMessage("maxStreams must be > 0, but was 0");
    }

    @Test
    void assignsIncreasingSequenceNumbersPerStream() {
        InMemoryEventLog log = new InMemoryEventLog(10, 10, FANOUT, Duration.ZERO);

        assertThat(log.append("job:a", stage("a")).block().seq()).isEqualTo(1);
        assertThat(log.append("job:a", progress("a", 0.1)).block().seq()).isEqualTo(2);
        assertThat(log.append("job:b", stage("b")).block().seq()).isEqualTo(1);
        assertThat(log.append("job:a", completed("a")).block().seq()).isEqualTo(3);

        assertThat(log.lastSeqNow("job:a")).isEqualTo(3);
        assertThat(log.lastSeqNow("job:b")).isEqualTo(1);
        assertThat(log.lastSeqNow("job:unknown")).isZero();
    }

    @Test
    void appendsAtTheCallAndAnswersWithCompletedMonos() {
        InMemoryEventLog log = new InMemoryEventLog(10, 10, FANOUT, Duration.ZERO);

        Mono<JobEvent> appended = log.append(STREAM, stage("j1"));

        assertThat(log.lastSeqNow(STREAM)).as("appended before anyone subscribed").isEqualTo(1);
        assertThat(appended).isInstanceOf(Fuseable.ScalarCallable.class);
        assertThat(log.lastSeq(STREAM)).isInstanceOf(Fuseable.ScalarCallable.class);
        StepVerifier.create(appended).assertNext(e -> assertThat(e.seq()).isEqualTo(1)).verifyComplete();
        StepVerifier.create(log.open(STREAM, 0).flatMapMany(InMemoryEventLogTest::flat))
                .assertNext(e -> assertThat(e.seq()).isEqualTo(1))
                .thenCancel()
                .verify(TIMEOUT);
        assertThat(log.subscriberCount(STREAM)).isZero();
    }

    @Test
    void replaysMissedEventsThenGoesLive() {
        InMemoryEventLog log = new InMemoryEventLog(10, 10, FANOUT, Duration.ZERO);
        appendStages(log, STREAM, 3);

        Opened opened = log.openNow(STREAM, 1);

        assertThat(opened.lastSeq()).isEqualTo(3);
        assertThat(opened.gap()).isFalse();
        StepVerifier.create(flat(opened))
                .assertNext(e -> assertThat(e.seq()).isEqualTo(2))
                .assertNext(e -> assertThat(e.seq()).isEqualTo(3))
                .then(() -> log.append(STREAM, completed("j1")))
                .assertNext(e -> assertThat(e).extracting(JobEvent::seq, JobEvent::type)
                        .containsExactly(4L, EventType.COMPLETED))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void reportsGapWhenEventsNoLongerRetained() {
        InMemoryEventLog log = new InMemoryEventLog(3, 10, FANOUT, Duration.ZERO);
        appendStages(log, STREAM, 10);

        Opened gapped = log.openNow(STREAM, 6);
        Opened justRetained = log.openNow(STREAM, 7);

        assertThat(gapped.gap()).isTrue();
        assertThat(gapped.lastSeq()).isEqualTo(10);
        assertThat(justRetained.gap()).isFalse();
        StepVerifier.create(flat(justRetained))
                .expectNextMatches(e -> e.seq() == 8)
                .expectNextMatches(e -> e.seq() == 9)
                .expectNextMatches(e -> e.seq() == 10)
                .then(() -> log.append(STREAM, stage("j1")))
                .expectNextMatches(e -> e.seq() == 11)
                .thenCancel()
                .verify(TIMEOUT);
        StepVerifier.create(flat(gapped))
                .then(() -> log.append(STREAM, stage("j1")))
                .assertNext(e -> assertThat(e.seq()).isEqualTo(11))
                .assertNext(e -> assertThat(e.seq()).isEqualTo(12))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void liveOnlyWhenAfterSeqNegative() {
        InMemoryEventLog log = new InMemoryEventLog(10, 10, FANOUT, Duration.ZERO);
        appendStages(log, STREAM, 3);

        Opened opened = log.openNow(STREAM, -1);

        assertThat(opened.lastSeq()).isEqualTo(3);
        assertThat(opened.gap()).isFalse();
        StepVerifier.create(flat(opened))
                .then(() -> log.append(STREAM, stage("j1")))
                .assertNext(e -> assertThat(e.seq()).isEqualTo(4))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void replaysNothingWhenAlreadyUpToDate() {
        InMemoryEventLog log = new InMemoryEventLog(10, 10, FANOUT, Duration.ZERO);
        appendStages(log, STREAM, 3);

        Opened opened = log.openNow(STREAM, 3);

        assertThat(opened.gap()).isFalse();
        StepVerifier.create(flat(opened))
                .then(() -> log.append(STREAM, stage("j1")))
                .assertNext(e -> assertThat(e.seq()).isEqualTo(4))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void opensUnknownStreamAndReceivesLaterAppends() {
        InMemoryEventLog log = new InMemoryEventLog(10, 10, FANOUT, Duration.ZERO);

        Opened opened = log.openNow("job:new", 0);

        assertThat(opened.lastSeq()).isZero();
        assertThat(opened.gap()).isFalse();
        StepVerifier.create(flat(opened))
                .then(() -> log.append("job:new", stage("new")))
                .assertNext(e -> assertThat(e.seq()).isEqualTo(1))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void noEventLostOrRepeatedWhenAppendingConcurrentlyWithOpen() throws InterruptedException {
        InMemoryEventLog log = new InMemoryEventLog(100_000, 10, FANOUT, Duration.ZERO);
        int appenders = 4;
        int eventsPerAppender = 3_000;
        int openers = 4;
        int opensPerOpener = 30;
        Queue<JobEvent> stored = new ConcurrentLinkedQueue<>();
        Queue<Observed> observers = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(appenders + openers);

        for (int a = 0; a < appenders; a++) {
            String jobId = "job-" + a;
            pool.execute(() -> {
                awaitQuietly(start);
                for (int i = 0; i < eventsPerAppender; i++) {
                    JobEvent event = i % 3 == 0 ? stage(jobId) : progress(jobId, i / (double) eventsPerAppender);
                    stored.add(log.append(STREAM, event).block());
                }
            });
        }
        for (int o = 0; o < openers; o++) {
            pool.execute(() -> {
                awaitQuietly(start);
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < opensPerOpener; i++) {
                    long last = log.lastSeqNow(STREAM);
                    long afterSeq = random.nextInt(5) == 0 ? -1 : random.nextLong(last + 2);
                    Opened opened = log.openNow(STREAM, afterSeq);
                    Queue<JobEvent> seen = new ConcurrentLinkedQueue<>();
                    // Every other subscriber consumes one at a time on another thread, so its buffer conflates.
                    Flux<JobEvent> events = i % 2 == 0
                            ? flat(opened)
                            : opened.batches().publishOn(Schedulers.parallel(), 1).concatMapIterable(b -> b);
                    Disposable subscription = events.subscribe(seen::add);
                    observers.add(new Observed(afterSeq, opened, seen, subscription));
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        JobEvent last = log.append(STREAM, completed("job-0")).block();
        stored.add(last);

        List<JobEvent> all = new ArrayList<>(stored);
        all.sort(Comparator.comparingLong(JobEvent::seq));
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).seq()).isEqualTo(i + 1L);
        }
        assertThat(observers).hasSize(openers * opensPerOpener);
        for (Observed observed : observers) {
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(TIMEOUT)
                    .until(() -> observed.seen().contains(last));
            observed.subscription().dispose();
            assertSeesEverythingAfterItsStart(observed, all);
        }
        assertThat(log.subscriberCount(STREAM)).isZero();
    }

    @Test
    void slowSubscriberGetsLatestProgressOnlyInOneBatch() {
        InMemoryEventLog log = new InMemoryEventLog(2_000, 10, FANOUT, Duration.ZERO);
        Opened opened = log.openNow(STREAM, -1);

        StepVerifier.create(opened.batches(), 0)
                .then(() -> {
                    log.append(STREAM, stage("j1"));
                    for (int i = 1; i <= 1000; i++) {
                        log.append(STREAM, progress("j1", i / 1000.0));
                    }
                    log.append(STREAM, completed("j1"));
                })
                .then(() -> await().atMost(TIMEOUT).until(() -> log.releasedSeq(STREAM) == 1002))
                .thenRequest(10)
                .assertNext(batch -> assertThat(batch)
                        .extracting(JobEvent::type, JobEvent::seq, JobEvent::progress)
                        .containsExactly(tuple(EventType.STAGE, 1L, 0.0), tuple(EventType.PROGRESS, 1001L, 1.0),
                                tuple(EventType.COMPLETED, 1002L, 1.0)))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void aLongBacklogComesInBatchesOfAtMostMaxBatchInOrder() {
        InMemoryEventLog log = new InMemoryEventLog(1_000, 10, FANOUT, Duration.ZERO);
        Opened opened = log.openNow(STREAM, -1);

        StepVerifier.create(opened.batches(), 0)
                .then(() -> appendStages(log, STREAM, 600))
                .then(() -> await().atMost(TIMEOUT).until(() -> log.releasedSeq(STREAM) == 600))
                .thenRequest(3)
                .assertNext(batch -> assertThat(batch).hasSize(Tail.MAX_BATCH).first().extracting(JobEvent::seq)
                        .isEqualTo(1L))
                .assertNext(batch -> assertThat(batch).hasSize(Tail.MAX_BATCH).first().extracting(JobEvent::seq)
                        .isEqualTo(257L))
                .assertNext(batch -> assertThat(batch).extracting(JobEvent::seq)
                        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(513, 600).boxed().toList()))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void conflatesProgressPerJobKeepingTheLatestOfEach() {
        InMemoryEventLog log = new InMemoryEventLog(100, 10, FANOUT, Duration.ZERO);
        Opened opened = log.openNow("batch:b1", -1);

        StepVerifier.create(opened.batches(), 0)
                .then(() -> {
                    log.append("batch:b1", progress("a", 0.1)); // 1
                    log.append("batch:b1", progress("b", 0.1)); // 2
                    log.append("batch:b1", stage("a"));         // 3
                    log.append("batch:b1", progress("a", 0.2)); // 4 supersedes 1
                    log.append("batch:b1", progress("b", 0.3)); // 5 supersedes 2
                })
                .then(() -> await().atMost(TIMEOUT).until(() -> log.releasedSeq("batch:b1") == 5))
                .thenRequest(Long.MAX_VALUE)
                .assertNext(batch -> assertThat(batch).extracting(JobEvent::seq, JobEvent::jobId)
                        .containsExactly(tuple(3L, "a"), tuple(4L, "a"), tuple(5L, "b")))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void eventsAppendedWithinTheDeliveryIntervalReachSubscribersInOneBatch() {
        InMemoryEventLog log = new InMemoryEventLog(100, 10, FANOUT, Duration.ofSeconds(2));
        Opened opened = log.openNow(STREAM, -1);

        // The first append after a quiet spell goes out at once; the ones right after it wait for the next round.
        StepVerifier.create(opened.batches())
                .then(() -> log.append(STREAM, stage("j1")))
                .assertNext(batch -> assertThat(batch).extracting(JobEvent::seq).containsExactly(1L))
                .then(() -> appendStages(log, STREAM, 3))
                .assertNext(batch -> assertThat(batch).extracting(JobEvent::seq).containsExactly(2L, 3L, 4L))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void theLastEventOfEveryPairArrivesEvenWhenAppendedWhileARoundStarts() {
        InMemoryEventLog log = new InMemoryEventLog(1_000, 10, FANOUT, Duration.ZERO);
        Queue<JobEvent> seen = new ConcurrentLinkedQueue<>();
        Disposable subscription = log.openNow(STREAM, -1).batches().subscribe(seen::addAll);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // A job's terminal event and its batch's event are appended a few microseconds apart: the second one races
        // the round the first one started. Nothing is appended after a pair, so its second event arrives only if no
        // append can slip between a round reading what to release and reopening scheduling. (A guard: the window it
        // closed was a few instructions wide, and was hit when the fan-out thread was preempted inside it.)
        for (int pair = 0; pair < 2_000; pair++) {
            log.append(STREAM, stage("j1"));
            long spinUntil = System.nanoTime() + random.nextLong(30_000);
            while (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            }
            long expected = log.append(STREAM, stage("j1")).block().seq();
            await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> seen.stream().anyMatch(e -> e.seq() == expected));
        }
        subscription.dispose();
        assertThat(seen).hasSize(4_000);
    }

    @Test
    void roundsSpreadWithSubscribersUpToTwentyFiveMilliseconds() {
        long interval = Duration.ofMillis(10).toNanos();
        assertThat(EventStream.roundNanos(interval, 100)).isEqualTo(interval);
        assertThat(EventStream.roundNanos(interval, 800)).isEqualTo(Duration.ofMillis(20).toNanos());
        // 10,000 subscribers waited up to 250 ms for a round before; their round is no further apart than 1,000's.
        assertThat(EventStream.roundNanos(interval, 10_000)).isEqualTo(Duration.ofMillis(25).toNanos());
        assertThat(EventStream.roundNanos(Duration.ofMillis(50).toNanos(), 10_000))
                .isEqualTo(Duration.ofMillis(50).toNanos());
    }

    @Test
    void askingForMoreBetweenRoundsGetsNothingUntilTheNextRound() {
        InMemoryEventLog log = new InMemoryEventLog(100, 10, FANOUT, Duration.ofSeconds(2));
        Opened opened = log.openNow(STREAM, -1);

        // Round 1 releases event 1; events 2-4 come right after it, within the interval: a request in between (as
        // Netty makes once it has written a batch) must not send them one by one, the next round sends them at once.
        StepVerifier.create(opened.batches(), 1)
                .then(() -> log.append(STREAM, stage("j1")))
                .assertNext(batch -> assertThat(batch).extracting(JobEvent::seq).containsExactly(1L))
                .then(() -> appendStages(log, STREAM, 3))
                .thenRequest(1)
                .then(() -> assertThat(log.releasedSeq(STREAM)).isEqualTo(1))
                .assertNext(batch -> assertThat(batch).extracting(JobEvent::seq).containsExactly(2L, 3L, 4L))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void subscriberThatFallsBehindWhatIsRetainedCompletesAndResumesFromItsLastId() {
        InMemoryEventLog log = new InMemoryEventLog(4, 10, FANOUT, Duration.ZERO);
        Opened opened = log.openNow(STREAM, -1);

        StepVerifier.create(opened.batches(), 0)
                .then(() -> appendStages(log, STREAM, 4))
                .then(() -> assertThat(log.subscriberCount(STREAM)).isEqualTo(1))
                .then(() -> log.append(STREAM, stage("j1")))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(log.subscriberCount(STREAM)).isZero();

        // It resumes from its last id (0): 1 is gone, so it gets a gap (and a snapshot upstream); from 1 it catches up.
        assertThat(log.openNow(STREAM, 0).gap()).isTrue();
        StepVerifier.create(flat(log.openNow(STREAM, 1)))
                .expectNextMatches(e -> e.seq() == 2)
                .expectNextCount(3)
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void publishingNeverWaitsForSubscribersAndDeliversOnTheFanoutScheduler() throws InterruptedException {
        ExecutorService single = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "test-fanout"));
        Scheduler fanout = Schedulers.fromExecutorService(single);
        try {
            InMemoryEventLog log = new InMemoryEventLog(2_000, 10, fanout, Duration.ZERO);
            CountDownLatch stuck = new CountDownLatch(1);
            AtomicBoolean blockOnce = new AtomicBoolean(true);
            Queue<String> threads = new ConcurrentLinkedQueue<>();
            Queue<JobEvent> seen = new ConcurrentLinkedQueue<>();
            List<Disposable> subscribers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                subscribers.add(log.openNow(STREAM, -1).batches().subscribe(batch -> {
                    threads.add(Thread.currentThread().getName());
                    seen.addAll(batch);
                    if (blockOnce.compareAndSet(true, false)) {
                        awaitQuietly(stuck, Duration.ofSeconds(10));
                    }
                }));
            }

            // The first delivery blocks the only fan-out thread; the publisher goes on regardless.
            log.append(STREAM, stage("j1"));
            for (int i = 1; i <= 1000; i++) {
                log.append(STREAM, progress("j1", i / 1000.0));
            }
            JobEvent last = log.append(STREAM, completed("j1")).block();
            assertThat(last.seq()).isEqualTo(1002);
            assertThat(last.jobSeq()).isEqualTo(1002);
            stuck.countDown();

            await().atMost(TIMEOUT).until(() -> seen.stream().filter(e -> e.seq() == 1002).count() == 100);
            assertThat(threads).containsOnly("test-fanout");
            // Each subscriber got the stage event, a few progress events (conflated) and the end: not 1,002 events.
            assertThat(seen.size()).isLessThan(100 * 10);
            subscribers.forEach(Disposable::dispose);
        } finally {
            fanout.dispose();
        }
    }

    @Test
    void cancelledSubscriberIsRemoved() {
        InMemoryEventLog log = new InMemoryEventLog(100, 10, FANOUT, Duration.ZERO);
        Opened live = log.openNow(STREAM, -1);
        Opened slow = log.openNow(STREAM, -1);
        appendStages(log, STREAM, 3);
        assertThat(log.subscriberCount(STREAM)).isEqualTo(2);

        StepVerifier.create(flat(live)).expectNextCount(3).thenCancel().verify(TIMEOUT);
        StepVerifier.create(slow.batches(), 0).thenCancel().verify(TIMEOUT);

        assertThat(log.subscriberCount(STREAM)).isZero();
    }

    @Test
    void allowsOnlyOneSubscriberPerOpenedStream() {
        InMemoryEventLog log = new InMemoryEventLog(100, 10, FANOUT, Duration.ZERO);
        Opened opened = log.openNow(STREAM, -1);
        Disposable first = opened.batches().subscribe();

        StepVerifier.create(flat(opened)).expectError(IllegalStateException.class).verify(TIMEOUT);
        first.dispose();
    }

    @Test
    void evictsOldestStreamBeyondMaxStreams() {
        InMemoryEventLog log = new InMemoryEventLog(10, 2, FANOUT, Duration.ZERO);
        log.append("job:a", stage("a"));
        log.append("job:b", stage("b"));
        log.append("job:a", stage("a"));
        Opened onB = log.openNow("job:b", -1);

        StepVerifier.create(flat(onB))
                .then(() -> log.append("job:c", stage("c")))
                .expectComplete()
                .verify(TIMEOUT);

        assertThat(log.streamCount()).isEqualTo(2);
        assertThat(log.lastSeqNow("job:b")).isZero();
        assertThat(log.lastSeqNow("job:a")).isEqualTo(2);
        assertThat(log.lastSeqNow("job:c")).isEqualTo(1);
    }

    @Test
    void closeCompletesSubscribers() {
        InMemoryEventLog log = new InMemoryEventLog(10, 10, FANOUT, Duration.ZERO);
        appendStages(log, STREAM, 2);
        Opened opened = log.openNow(STREAM, -1);

        StepVerifier.create(flat(opened))
                .then(() -> log.close(STREAM))
                .expectComplete()
                .verify(TIMEOUT);

        assertThat(log.lastSeqNow(STREAM)).isZero();
        assertThat(log.subscriberCount(STREAM)).isZero();
        assertThat(log.streamCount()).isZero();
    }

    @Test
    void endingSubscriptionsSendsWhatWasAppendedThenCompletes() {
        InMemoryEventLog log = new InMemoryEventLog(10, 10, FANOUT, Duration.ofHours(1));
        Opened opened = log.openNow(STREAM, -1);

        // The first append goes out in a round; the next rounds are an hour away: only the shutdown sends the rest.
        StepVerifier.create(flat(opened))
                .then(() -> log.append(STREAM, stage("j1")))
                .expectNextMatches(e -> e.seq() == 1)
                .then(() -> {
                    log.append(STREAM, stage("j1"));
                    log.append(STREAM, event(EventType.INTERRUPTED, "j1", 0.5));
                    log.endSubscriptions();
                })
                .expectNextMatches(e -> e.seq() == 2)
                .expectNextMatches(e -> e.seq() == 3 && e.type() == EventType.INTERRUPTED)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(log.streamCount()).isZero();
    }

    @Test
    void closeDeliversPendingEventsBeforeCompleting() {
        InMemoryEventLog log = new InMemoryEventLog(10, 10, FANOUT, Duration.ZERO);
        Opened opened = log.openNow(STREAM, -1);

        StepVerifier.create(opened.batches(), 0)
                .then(() -> appendStages(log, STREAM, 2))
                .then(() -> log.close(STREAM))
                .thenRequest(1)
                .assertNext(batch -> assertThat(batch).extracting(JobEvent::seq).containsExactly(1L, 2L))
                .expectComplete()
                .verify(TIMEOUT);
    }

    private static Flux<JobEvent> flat(Opened opened) {
        return opened.batches().concatMapIterable(batch -> batch);
    }

    private static void assertSeesEverythingAfterItsStart(Observed observed, List<JobEvent> all) {
        Opened opened = observed.opened();
        assertThat(opened.gap()).isFalse();
        long start = observed.afterSeq() < 0 ? opened.lastSeq() : Math.min(observed.afterSeq(), opened.lastSeq());
        List<JobEvent> seen = new ArrayList<>(observed.seen());

        long previous = start;
        for (JobEvent event : seen) {
            assertThat(event.seq()).as("seq after %d", previous).isGreaterThan(previous);
            previous = event.seq();
        }
        assertThat(seen).allMatch(e -> all.get((int) e.seq() - 1).equals(e));

        List<JobEvent> expectedNonProgress = all.stream()
                .filter(e -> e.seq() > start && e.type() != EventType.PROGRESS)
                .toList();
        assertThat(seen.stream().filter(e -> e.type() != EventType.PROGRESS).toList())
                .containsExactlyElementsOf(expectedNonProgress);

        Map<String, JobEvent> latestProgress = new HashMap<>();
        all.stream()
                .filter(e -> e.seq() > start && e.type() == EventType.PROGRESS)
                .forEach(e -> latestProgress.put(e.jobId(), e));
        assertThat(new HashSet<>(seen)).containsAll(latestProgress.values());
    }

    private static void appendStages(InMemoryEventLog log, String stream, int count) {
        for (int i = 0; i < count; i++) {
            log.append(stream, stage("j1"));
        }
    }

    private static void awaitQuietly(CountDownLatch latch, Duration atMost) {
        try {
            latch.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JobEvent stage(String jobId) {
        return event(EventType.STAGE, jobId, 0.0);
    }

    private static JobEvent progress(String jobId, double progress) {
        return event(EventType.PROGRESS, jobId, progress);
    }

    private static JobEvent completed(String jobId) {
        return event(EventType.COMPLETED, jobId, 1.0);
    }

    private static JobEvent event(EventType type, String jobId, double progress) {
        JobState state = type == EventType.COMPLETED ? JobState.COMPLETED : JobState.RUNNING;
        return new JobEvent(type, 0, 0, jobId, null, "tenant-1", state, progress, null, type.id(), "transcribe",
                null, null, null, Instant.EPOCH);
    }

    private record Observed(long afterSeq, Opened opened, Queue<JobEvent> seen, Disposable subscription) {}
}
