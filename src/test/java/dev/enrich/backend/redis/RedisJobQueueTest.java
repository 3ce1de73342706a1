package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.queue.QueuedJob;
import dev.enrich.testing.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.PendingMessage;
import org.springframework.data.redis.connection.stream.PendingMessagesSummary;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** What only a shared, durable queue does: replicas, takeover, claim refresh, dead letters, trimming, AOF. */
class RedisJobQueueTest {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration IDLE = Duration.ofMillis(300);
    /** The takeover timer never fires in a test: the tests run takeovers themselves. */
    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path dir;

    private RedisServer redis;
    private LettuceConnectionFactory factory;
    private final List<RedisJobQueue> queues = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start(dir, true);
        factory = redis.connect();
    }

    @AfterEach
    void stopRedis() {
        queues.forEach(RedisJobQueue::close);
        factory.destroy();
        redis.close();
    }

    private RedisJobQueue replica(String consumer, Duration idle, int readAhead, int maxDeliveries) {
        return replica(consumer, idle, readAhead, maxDeliveries, NEVER);
    }

    private RedisJobQueue replica(String consumer, Duration idle, int readAhead, int maxDeliveries,
            Duration claimInterval) {
        return replica(consumer, idle, readAhead, maxDeliveries, claimInterval, Duration.ofMillis(100));
    }

    private RedisJobQueue replica(String consumer, Duration idle, int readAhead, int maxDeliveries,
            Duration claimInterval, Duration viewInterval) {
        RedisQueueProperties settings = new RedisQueueProperties("enrich:queue", "workers", consumer, readAhead,
                256, Duration.ofMillis(200), idle, idle.dividedBy(3), claimInterval, maxDeliveries, 100, viewInterval);
        RedisJobQueue queue = new RedisJobQueue(factory, 1000, 4, settings);
        queue.start();
        queues.add(queue);
        return queue;
    }

    private static QueuedJob job(String id, String tenant) {
        return new QueuedJob(id, tenant, Priority.INTERACTIVE, NOW);
    }

    @Test
    void positionsAreReadByPriorityThenArrivalOncePerViewIntervalAndEstimatedInBetween() {
        // The view timer reads once at start, then not within the test: every read below is the test's own, once
        // that first one is in (on a busy machine it could come later, and bring positions mid-test).
        RedisJobQueue queue = replica("a", IDLE, 16, 5, NEVER, NEVER);
        await().atMost(Duration.ofMinutes(1)).until(() -> queue.viewApplied() > 0);
        queue.position("none");
        queue.refreshView().block();

        queue.offer(new QueuedJob("b1", "t1", Priority.BATCH, NOW));
        queue.offer(job("i1", "t1"));
        queue.offer(new QueuedJob("b2", "t2", Priority.BATCH, NOW));
        queue.offer(job("i2", "t2"));

        // Until the positions are read: a batch job at the back of the queue as it was when queued, an interactive
        // one behind the interactive jobs.
        assertThat(queue.position("b1")).hasValue(1);
        assertThat(queue.position("i1")).hasValue(1);
        assertThat(queue.position("b2")).hasValue(3);
        assertThat(queue.position("i2")).hasValue(2);
        assertThat(queue.size()).as("counts are refreshed at every offer").isEqualTo(4);
        assertThat(queue.size("t2")).isEqualTo(2);

        queue.refreshView().block();
        assertThat(List.of("i1", "i2", "b1", "b2")).map(id -> queue.position(id).orElse(0))
                .containsExactly(1, 2, 3, 4);

        assertThat(queue.poll()).map(QueuedJob::jobId).hasValue("i1");
        assertThat(queue.position("i1")).as("a started job has no position at once").isEmpty();
        assertThat(queue.position("i2")).as("the others move up at the next read, not at each start").hasValue(2);
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.remove("b1")).isTrue();
        assertThat(queue.position("b1")).as("nor has a removed one").isEmpty();

        queue.refreshView().block();
        assertThat(List.of("i2", "b2")).map(id -> queue.position(id).orElse(0)).containsExactly(1, 2);
        assertThat(queue.size("t1")).isZero();
    }

    @Test
    void aPositionsReadThatAnswersAfterALaterCountsReplyStillBringsItsPositions() {
        RedisJobQueue queue = replica("a", IDLE, 16, 5, NEVER, NEVER);
        queue.offer(job("i1", "t1"));
        queue.offer(job("i2", "t1"));

        // Read 100 (the counts an offer's reply carries) lands before read 99 (the whole index), as under load.
        queue.applyView(100, 2, Map.of("t1", 2), null);
        // (Made-up entry ids that put i2 first: what the read says, unlike the estimates.)
        queue.applyView(99, 7, Map.of("t1", 7), RedisJobQueue.positions(List.of(
                Map.entry("i1", "INTERACTIVE 5-1 t1"), Map.entry("i2", "INTERACTIVE 5-0 t1"))));

        assertThat(List.of("i1", "i2")).map(id -> queue.position(id).orElse(0)).containsExactly(2, 1);
        assertThat(queue.size()).as("the counts stay those of the later read").isEqualTo(2);
        assertThat(queue.size("t1")).isEqualTo(2);
    }

    @Test
    void withoutPositionsReadANewInteractiveJobIsEstimatedAtTheBackOfTheQueue() {
        RedisJobQueue queue = replica("a", IDLE, 16, 5, NEVER, NEVER);
        queue.offer(new QueuedJob("b1", "t1", Priority.BATCH, NOW));
        queue.offer(job("i1", "t1"));

        assertThat(queue.position("i1")).as("how many are interactive is not known yet").hasValue(2);

        queue.refreshView().block();
        assertThat(List.of("i1", "b1")).map(id -> queue.position(id).orElse(0)).containsExactly(1, 2);
        queue.offer(job("i2", "t1"));
        assertThat(queue.position("i2")).hasValue(2);
    }

    @Test
    void aJobHeldForItsWaitIsQueuedWhenTheWaitIsOverNotBefore() {
        RedisJobQueue queue = replica("a", IDLE, 16, 5);

        assertThat(queue.offerLater(job("later", "t1"), Duration.ofSeconds(2)).block()).isTrue();

        assertThat(queue.poll()).isEmpty();
        QueuedJob taken = await().atMost(Duration.ofSeconds(10)).until(queue::poll, Optional::isPresent).get();
        assertThat(taken.jobId()).isEqualTo("later");
        assertThat(taken.tenant()).isEqualTo("t1");
        assertThat(taken.enqueuedAt()).isEqualTo(NOW);
        assertThat(queue.poll()).as("queued once").isEmpty();
    }

    @Test
    void aWaitHeldByAReplicaThatIsGoneIsQueuedByAnotherReplicasSweep() {
        RedisJobQueue gone = replica("a", IDLE, 16, 5);
        // Long enough for the close to come first: the holder's own timer must not be what queues it.
        gone.offerLater(new QueuedJob("orphan", "t1", Priority.BATCH, NOW), Duration.ofSeconds(2)).block();
        gone.close();
        queues.remove(gone);

        RedisJobQueue other = replica("b", IDLE, 16, 5);
        QueuedJob taken = await().atMost(Duration.ofSeconds(10)).until(other::poll, Optional::isPresent).get();

        assertThat(taken.jobId()).isEqualTo("orphan");
        assertThat(taken.priority()).isEqualTo(Priority.BATCH);
    }

    @Test
    void aCancelledJobWaitingForItsRetryIsNeverQueued() {
        RedisJobQueue queue = replica("a", IDLE, 16, 5);
        queue.offerLater(job("cancelled", "t1"), Duration.ofMillis(300)).block();
        queue.offerLater(job("kept", "t1"), Duration.ofMillis(300)).block();

        assertThat(queue.remove("cancelled")).isTrue();
        assertThat(queue.remove("cancelled")).isFalse();

        QueuedJob taken = await().atMost(Duration.ofSeconds(10)).until(queue::poll, Optional::isPresent).get();
        assertThat(taken.jobId()).isEqualTo("kept");
        // Both waits end together and are queued in one step: "cancelled" would follow "kept" now.
        assertThat(queue.poll()).isEmpty();
    }

    /** Run takeovers until one hands this replica a job; the wait is the real idle time passing in Redis. */
    private static QueuedJob dueFrom(RedisJobQueue queue) {
        return await().atMost(Duration.ofMinutes(1)).until(() -> {
            queue.queueDue().block();
            return queue.poll();
        }, Optional::isPresent).orElseThrow();
    }

    private static QueuedJob takenOver(RedisJobQueue queue) {
        return await().atMost(Duration.ofMinutes(1)).until(() -> {
            queue.takeOver().block();
            return queue.poll();
        }, Optional::isPresent).orElseThrow();
    }

    @Test
    void twoReplicasNeverBothGetTheSameEntry() {
        RedisJobQueue a = replica("a", IDLE.multipliedBy(1000), 1, 3);
        RedisJobQueue b = replica("b", IDLE.multipliedBy(1000), 1, 3);
        Set<String> offered = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            offered.add("j" + i);
            assertThat((i % 2 == 0 ? a : b).offer(job("j" + i, "t" + i % 5))).isTrue();
        }
        Queue<String> byA = new ConcurrentLinkedQueue<>();
        Queue<String> byB = new ConcurrentLinkedQueue<>();
        // Two slots per replica, as a worker pool of two would request; each "job" takes a moment.
        Disposable takingA = a.take(t -> true)
                .flatMap(j -> Mono.delay(Duration.ofMillis(20)).doOnNext(x -> byA.add(j.jobId())), 2).subscribe();
        Disposable takingB = b.take(t -> true)
                .flatMap(j -> Mono.delay(Duration.ofMillis(20)).doOnNext(x -> byB.add(j.jobId())), 2).subscribe();
        try {
            await().atMost(Duration.ofMinutes(1)).until(() -> byA.size() + byB.size() == offered.size());
        } finally {
            takingA.dispose();
            takingB.dispose();
        }

        assertThat(byA).isNotEmpty().doesNotContainAnyElementsOf(byB);
        assertThat(byB).isNotEmpty();
        Set<String> all = new HashSet<>(byA);
        all.addAll(byB);
        assertThat(all).isEqualTo(offered);
        // Sizes are answered from a view refreshed every viewInterval (they never wait for Redis).
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(a.size()).isZero());
    }

    @Test
    void anEntryAReplicaNeverAcknowledgesIsTakenOverByAnotherAfterTheIdleTime() {
        RedisJobQueue a = replica("a", IDLE, 0, 3);
        RedisJobQueue b = replica("b", IDLE, 0, 3);
        a.offer(job("j", "t"));
        assertThat(a.poll()).map(QueuedJob::jobId).hasValue("j");
        a.close(); // replica a dies with j running

        QueuedJob again = takenOver(b);
        assertThat(again.jobId()).isEqualTo("j");
        StepVerifier.create(b.done(again, JobState.COMPLETED)).verifyComplete();
        assertThat(pendingCount()).isZero();
    }

    @Test
    void aReplicaThatStalledPastItsClaimLeavesTheEntryToTheReplicaThatTookItOver() {
        // a stalls: it refreshes nothing (a pause longer than the idle time), so b takes the entry over.
        RedisJobQueue a = paused("a");
        RedisJobQueue b = replica("b", IDLE, 0, 3);
        a.offer(job("j", "t"));
        QueuedJob first = a.poll().orElseThrow();
        assertThat(first.delivery()).isEqualTo(1);

        // b's run knows it is the entry's second delivery.
        QueuedJob second = takenOver(b);
        assertThat(second.jobId()).isEqualTo("j");
        assertThat(second.delivery()).isEqualTo(2);

        // a wakes up and ends its run before its next refresh would have told it: the entry is b's, not acknowledged.
        StepVerifier.create(a.done(first, JobState.COMPLETED)).verifyComplete();
        assertThat(pendingCount()).isEqualTo(1);
        assertThat(pendingOwner()).isEqualTo("b");
        StepVerifier.create(b.done(second, JobState.COMPLETED)).verifyComplete();
        assertThat(pendingCount()).isZero();
    }

    @Test
    void anEntryCarriesTheAttemptItWasQueuedForWhetherQueuedTakenOverOrHeldForAWait() {
        RedisJobQueue a = replica("a", IDLE, 0, 3);
        RedisJobQueue b = replica("b", IDLE, 0, 3);
        a.offer(new QueuedJob("j", "t", Priority.INTERACTIVE, NOW, 3));
        assertThat(a.poll().orElseThrow().attempt()).isEqualTo(3);
        a.close();
        QueuedJob again = takenOver(b);
        assertThat(again.attempt()).isEqualTo(3);
        assertThat(again.delivery()).isEqualTo(2);
        StepVerifier.create(b.done(again, JobState.COMPLETED)).verifyComplete();

        b.offerLater(new QueuedJob("w", "t", Priority.INTERACTIVE, NOW, 4), Duration.ZERO).block();
        QueuedJob due = dueFrom(b);
        assertThat(due.attempt()).isEqualTo(4);
    }

    @Test
    void onlyTheRunOfTheHeldDeliveryEndsItsEntry() {
        RedisJobQueue a = replica("a", IDLE, 0, 3);
        a.offer(job("j", "t"));
        QueuedJob run = a.poll().orElseThrow();

        // A run of another delivery of the same job (one that lost the entry, then this replica took it back and
        // started it again) ends: what this replica holds now is not its.
        StepVerifier.create(a.done(new QueuedJob("j", "t", Priority.INTERACTIVE, NOW, 0, 2), JobState.COMPLETED))
                .verifyComplete();
        assertThat(pendingCount()).isEqualTo(1);
        StepVerifier.create(a.done(run, JobState.COMPLETED)).verifyComplete();
        assertThat(pendingCount()).isZero();
    }

    @Test
    void anEntryOfAnEarlierAttemptStartedLeavesTheQueuedEntryOfTheNewOneCounted() {
        RedisJobQueue a = replica("a", IDLE, 0, 3);
        RedisJobQueue b = replica("b", IDLE, 0, 3);
        a.offer(new QueuedJob("j", "t", Priority.INTERACTIVE, NOW, 1));
        assertThat(a.poll()).isPresent();
        a.close(); // its entry stays pending: never acknowledged
        // The job's next attempt is queued meanwhile (its run was recorded as ended, a retry followed).
        b.offer(new QueuedJob("j", "t", Priority.INTERACTIVE, NOW, 2));
        assertThat(b.size()).isEqualTo(1);

        await().atMost(Duration.ofMinutes(1)).until(() -> {
            b.takeOver().block(); // buffered before the new entry is read
            return "b".equals(pendingOwner());
        });
        QueuedJob stale = b.poll(id -> true).orElseThrow();
        assertThat(stale.attempt()).isEqualTo(1);
        assertThat(b.size()).as("attempt 2's entry is still queued").isEqualTo(1);
        assertThat(b.size("t")).isEqualTo(1);
    }

    @Test
    void anAttemptLeftBehindByTheVersionBeforeIsNotTakenForALaterWait() {
        RedisJobQueue a = replica("a", IDLE, 0, 3);
        ReactiveStringRedisTemplate redis = new ReactiveStringRedisTemplate(factory);
        // The version before deletes only the wait's first field: its attempt field, of an earlier wait, stays. Then
        // it holds a wait of its own (no attempt field).
        redis.opsForHash().putAll("enrich:queue:delayed-jobs", Map.of("w", "INTERACTIVE 2000 t",
                "w#attempt", "1000 2")).block();
        redis.opsForZSet().add("enrich:queue:delayed", "w", 0).block();

        QueuedJob due = dueFrom(a);
        assertThat(due.attempt()).as("unknown, not the earlier wait's").isZero();
        assertThat(redis.opsForHash().size("enrich:queue:delayed-jobs").block()).isZero();
    }

    @Test
    void aStalledReplicaThatTakesItsEntryBackDoesNotAcknowledgeItForItsOldRun() {
        // a's takeover refreshes its claims first: that tells it its first run lost the entry.
        runAgainAfterADoubleStall(RedisJobQueue::takeOver);
    }

    @Test
    void anEntryClaimedBackWhileItsLostRunStillGoesOnHereIsRunAgainNotLeftIdle() {
        // The refresh that would have told a of the loss did not come in time (it failed, or the claim timer fired
        // first): a's first run still holds the entry when a claims it back. Before, the entry was skipped (its job
        // runs here): it idled in a's name, claimed again and again until its delivery cap made the job a dead
        // letter, although no run of its third delivery ever ran.
        runAgainAfterADoubleStall(RedisJobQueue::claimIdle);
    }

    // a stalls, b takes the entry over (delivery 2) and stalls too (here: stops); a claims it back (delivery 3) while
    // its first run still goes on: the entry is handed out again, and only its new run's end acknowledges it.
    private void runAgainAfterADoubleStall(Function<RedisJobQueue, Mono<Void>> claim) {
        RedisJobQueue a = paused("a");
        RedisJobQueue b = replica("b", IDLE, 0, 3);
        a.offer(job("j", "t"));
        QueuedJob first = a.poll().orElseThrow();
        assertThat(takenOver(b).delivery()).isEqualTo(2);
        b.close();
        QueuedJob third = await().atMost(Duration.ofMinutes(1)).until(() -> {
            claim.apply(a).block();
            return a.poll();
        }, Optional::isPresent).orElseThrow();
        assertThat(third.jobId()).isEqualTo("j");
        assertThat(third.delivery()).isEqualTo(3);
        assertThat(pendingOwner()).isEqualTo("a");

        StepVerifier.create(a.done(first, JobState.CANCELLED)).verifyComplete(); // the lost run gives way
        assertThat(pendingCount()).isEqualTo(1);
        StepVerifier.create(a.done(third, JobState.COMPLETED)).verifyComplete();
        assertThat(pendingCount()).isZero();
    }

    @Test
    void anEntryClaimedBackWhileAnEarlierDeliveryOfItIsStillBufferedIsHandedOutAtItsNewDelivery() {
        RedisJobQueue a = paused("a");
        RedisJobQueue b = replica("b", IDLE, 0, 3);
        a.offer(job("j", "t"));
        assertThat(a.poll(tenant -> false)).as("read into a's buffer, not handed out").isEmpty();
        assertThat(takenOver(b).delivery()).isEqualTo(2);
        b.close();

        // a claims it back without the refresh that would have dropped its buffered delivery 1 first.
        await().atMost(Duration.ofMinutes(1)).until(() -> {
            a.claimIdle().block();
            return "a".equals(pendingOwner());
        });
        QueuedJob third = a.poll().orElseThrow();
        assertThat(third.delivery()).as("not the buffered delivery 1, whose acknowledgement Redis refuses")
                .isEqualTo(3);
        StepVerifier.create(a.done(third, JobState.COMPLETED)).verifyComplete();
        assertThat(pendingCount()).isZero();
    }

    @Test
    void aReplicaBackFromAPauseLongerThanTheIdleTimeDoesNotTakeItsOwnHeldEntryFromItself() {
        // a's refresh and takeover timers were both late (the process paused): its held entry is idle by now.
        RedisJobQueue a = paused("a");
        a.offer(job("j", "t"));
        QueuedJob run = a.poll().orElseThrow();
        await().atMost(Duration.ofMinutes(1)).until(() -> pendingIdle() > IDLE.toMillis());

        a.takeOver().block();
        assertThat(a.poll()).as("not handed out again").isEmpty();
        assertThat(pendingDeliveries()).as("no delivery counted").isEqualTo(1);
        StepVerifier.create(a.done(run, JobState.COMPLETED)).verifyComplete();
        assertThat(pendingCount()).as("its run acknowledges it").isZero();
    }

    // A replica whose timers are paused (a virtual clock no one advances): its process pauses longer than the idle
    // time, so its claims are not refreshed; the test runs its refreshes and takeovers itself.
    private RedisJobQueue paused(String consumer) {
        RedisQueueProperties settings = new RedisQueueProperties("enrich:queue", "workers", consumer, 0, 256,
                Duration.ofMillis(200), IDLE, IDLE.dividedBy(3), NEVER, 3, 100, Duration.ofMillis(100));
        RedisJobQueue queue = new RedisJobQueue(factory, 1000, 4, settings, VirtualTimeScheduler.create());
        queue.start();
        queues.add(queue);
        return queue;
    }

    @Test
    void takeEmitsWhatTheTakeoverTimerClaimsFromADeadReplica() {
        RedisJobQueue a = replica("a", IDLE, 0, 3);
        RedisJobQueue b = replica("b", IDLE, 0, 3, IDLE.dividedBy(2));
        StepVerifier.create(b.take(t -> true).map(QueuedJob::jobId), 0)
                .then(() -> {
                    a.offer(job("j", "t"));
                    assertThat(a.poll()).isPresent();
                    a.close();
                })
                .thenRequest(1)
                .expectNext("j")
                .thenCancel()
                .verify();
        assertThat(pendingOwner()).isEqualTo("b");
    }

    @Test
    void anInterruptedRunIsAcknowledgedLikeEveryTerminalEnd() {
        RedisJobQueue a = replica("a", IDLE, 0, 3);
        a.offer(job("j", "t"));
        QueuedJob taken = a.poll().orElseThrow();
        assertThat(pendingCount()).isEqualTo(1);

        // The engine resumes interrupted jobs by offering them again: the old entry must not come back as well.
        StepVerifier.create(a.done(taken, JobState.INTERRUPTED)).verifyComplete();

        assertThat(pendingCount()).isZero();
    }

    @Test
    void aReleasedRunIsNeitherAcknowledgedNorKeptAndIsTakenOverAfterTheIdleTime() {
        RedisJobQueue a = replica("a", IDLE, 0, 3);
        RedisJobQueue b = replica("b", IDLE, 0, 3);
        a.offer(job("j", "t"));
        QueuedJob taken = a.poll().orElseThrow();

        // A non-terminal end (the dispatcher's answer to a run that crashed before it could store its job's end).
        StepVerifier.create(a.done(taken, JobState.QUEUED)).verifyComplete();
        assertThat(pendingCount()).as("not acknowledged").isEqualTo(1);

        // a no longer refreshes its claim, so the entry idles out to whoever sweeps next.
        QueuedJob again = await().atMost(Duration.ofMinutes(1)).until(() -> {
            a.refreshClaims().block();
            b.takeOver().block();
            return b.poll();
        }, Optional::isPresent).orElseThrow();
        assertThat(again.jobId()).isEqualTo("j");
        assertThat(pendingOwner()).isEqualTo("b");
        StepVerifier.create(b.done(again, JobState.COMPLETED)).verifyComplete();
        assertThat(pendingCount()).isZero();
    }

    @Test
    void aRefreshThatFindsARunningEntryTakenOverTellsThatRunIsLostAndDoesNotAcknowledgeIt() {
        assertLostRunsAreTold(RedisJobQueue::refreshClaims);
    }

    @Test
    void aTakeoverTellsTheRunsWhoseEntriesItsRefreshFindsTakenOver() {
        assertLostRunsAreTold(RedisJobQueue::takeOver);
    }

    private void assertLostRunsAreTold(Function<RedisJobQueue, Mono<Void>> refresh) {
        RedisJobQueue a = paused("a"); // its timers never fire: it refreshes only when the test says so
        RedisJobQueue b = replica("b", IDLE, 0, 3);
        a.offer(job("j", "t"));
        a.offer(job("k", "t"));
        QueuedJob mine = a.poll().orElseThrow();
        QueuedJob other = a.poll().orElseThrow();
        List<QueuedJob> lost = new CopyOnWriteArrayList<>();
        Disposable listening = a.lost().subscribe(lost::add);

        // a pauses past the idle time: b takes both entries over (deliveries 2).
        QueuedJob first = takenOver(b);
        QueuedJob second = takenOver(b); // k was handed to a a moment later: it may idle out a takeover later
        assertThat(List.of(first.jobId(), second.jobId())).containsExactlyInAnyOrder("j", "k");
        assertThat(lost).as("nothing said before a refresh finds it").isEmpty();

        refresh.apply(a).block();

        assertThat(lost).containsExactlyInAnyOrder(mine, other);
        assertThat(lost).extracting(QueuedJob::delivery).containsOnly(1);
        StepVerifier.create(a.done(mine, JobState.COMPLETED)).verifyComplete();
        assertThat(pendingCount()).as("the lost run acknowledges nothing").isEqualTo(2);
        assertThat(pendingOwner()).isEqualTo("b");
        refresh.apply(a).block();
        assertThat(lost).as("told once").hasSize(2);
        listening.dispose();
    }

    @Test
    void aRefreshOfMoreHeldIdsThanLuaCanUnpackStillAnswers() {
        replica("a", IDLE, 0, 3); // creates the group
        List<String> args = new ArrayList<>(List.of("workers", "workers:a"));
        for (int i = 0; i < 10_000; i++) {
            args.add((i + 1) + "-0");
        }

        List<?> lost = new ReactiveStringRedisTemplate(factory)
                .execute(QueueScripts.REFRESH, List.of("enrich:queue:interactive"), args).next().block();

        assertThat(lost).as("none of them pending here").hasSize(10_000);
    }

    @Test
    void aReplicaRefreshingItsClaimKeepsItPastTheIdleTime() {
        RedisJobQueue a = replica("a", IDLE, 0, 3);
        RedisJobQueue b = replica("b", IDLE, 0, 3);
        a.offer(job("j", "t"));
        assertThat(a.poll()).isPresent();
        long start = System.nanoTime();

        // Refresh well inside the idle time, and let b try a takeover each time, until 3 idle times have passed.
        await().atMost(Duration.ofMinutes(1)).pollInterval(IDLE.dividedBy(6)).until(() -> {
            a.refreshClaims().block();
            b.takeOver().block();
            assertThat(b.poll()).isEmpty();
            return Duration.ofNanos(System.nanoTime() - start).compareTo(IDLE.multipliedBy(3)) > 0;
        });

        assertThat(pendingOwner()).isEqualTo("a");
        StepVerifier.create(a.done(job("j", "t"), JobState.COMPLETED)).verifyComplete();
        assertThat(pendingCount()).isZero();
    }

    @Test
    void anEntryDeliveredMoreThanTheCapBecomesADeadLetter() {
        RedisJobQueue a = replica("a", IDLE, 0, 2);
        RedisJobQueue b = replica("b", IDLE, 0, 2);
        RedisJobQueue c = replica("c", IDLE, 0, 2);
        a.offer(job("crasher", "t"));
        assertThat(a.poll()).isPresent(); // delivery 1
        a.close(); // the job kills its replica
        assertThat(takenOver(b).jobId()).isEqualTo("crasher"); // delivery 2
        b.close(); // and the next one

        StepVerifier.create(c.deadLetters().map(QueuedJob::jobId))
                .then(() -> await().atMost(Duration.ofMinutes(1)).until(() -> {
                    c.takeOver().block(); // delivery 3 > 2: acknowledged, not run
                    return pendingCount() == 0;
                }))
                .expectNext("crasher")
                .thenCancel()
                .verify();
        assertThat(c.poll()).isEmpty();
        assertThat(c.size()).isZero();
    }

    @Test
    void acknowledgedEntriesAreTrimmedButNeverAPendingOne() {
        RedisJobQueue a = replica("a", IDLE.multipliedBy(1000), 0, 3);
        for (int i = 0; i < 5; i++) {
            a.offer(job("j" + i, "t"));
        }
        List<QueuedJob> taken = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            taken.add(a.poll().orElseThrow());
        }
        for (QueuedJob j : taken.subList(1, 5)) {
            StepVerifier.create(a.done(j, JobState.COMPLETED)).verifyComplete();
        }
        assertThat(redis.command("XLEN enrich:queue:interactive")).as("only j0, pending, is left").isEqualTo(":1");

        StepVerifier.create(a.done(taken.get(0), JobState.FAILED)).verifyComplete();
        assertThat(redis.command("XLEN enrich:queue:interactive")).isEqualTo(":0");
        a.offer(job("next", "t"));
        assertThat(a.poll()).map(QueuedJob::jobId).hasValue("next");
    }

    @Test
    void queuedEntriesSurviveARedisCrashWithAppendOnlyOn() {
        RedisJobQueue a = replica("a", IDLE.multipliedBy(1000), 0, 3);
        a.offerAll(List.of(job("j1", "t"), job("j2", "u"), job("j3", "t")));
        a.close();
        queues.clear();

        redis.kill();
        redis.restart();
        factory.destroy();
        factory = redis.connect();

        RedisJobQueue after = replica("a", IDLE.multipliedBy(1000), 10, 3);
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            assertThat(after.size()).isEqualTo(3);
            assertThat(after.size("t")).isEqualTo(2);
        });
        List<String> order = new ArrayList<>();
        for (Optional<QueuedJob> j = after.poll(); j.isPresent(); j = after.poll()) {
            order.add(j.get().jobId());
        }
        assertThat(order).containsExactly("j1", "j2", "j3");
    }

    private long pendingCount() {
        return new ReactiveStringRedisTemplate(factory).opsForStream()
                .pending("enrich:queue:interactive", "workers")
                .map(PendingMessagesSummary::getTotalPendingMessages).block();
    }

    private long pendingIdle() {
        return pendingOne().getElapsedTimeSinceLastDelivery().toMillis();
    }

    private long pendingDeliveries() {
        return pendingOne().getTotalDeliveryCount();
    }

    private PendingMessage pendingOne() {
        return new ReactiveStringRedisTemplate(factory).opsForStream()
                .pending("enrich:queue:interactive", "workers", Range.unbounded(), 1)
                .map(pending -> pending.get(0)).block();
    }

    private String pendingOwner() {
        return new ReactiveStringRedisTemplate(factory).opsForStream()
                .pending("enrich:queue:interactive", "workers", Range.unbounded(), 1)
                .map(pending -> pending.get(0).getConsumerName()).block();
    }
}
