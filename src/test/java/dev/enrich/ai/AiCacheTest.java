package dev.enrich.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.reactive.CancelLatch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class AiCacheTest {

    private final AiCache cache = new AiCache(100);
    private final Scheduler callers = Schedulers.newParallel("callers", 4);
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();

    @AfterEach
    void dispose() {
        callers.dispose();
    }

    @Test
    void concurrentMissesOfOneKeyMakeOneCall() throws InterruptedException {
        Sinks.One<String> reply = Sinks.one();
        int subscribers = 8;
        CountDownLatch joined = new CountDownLatch(subscribers);

        StepVerifier answers = StepVerifier.create(Flux.range(0, subscribers)
                        .flatMap(i -> cache.get("job", "chat", "hash", () -> counted(reply.asMono()))
                                .doOnSubscribe(s -> joined.countDown())
                                .subscribeOn(callers))
                        .collectList())
                .assertNext(replies -> assertThat(replies).hasSize(subscribers).containsOnly("reply"))
                .expectComplete()
                .verifyLater();
        joined.await();
        reply.tryEmitValue("reply").orThrow();

        answers.verify(Duration.ofSeconds(30));
        assertThat(calls).hasValue(1);
        StepVerifier.create(cache.get("job", "chat", "hash", () -> counted(Mono.just("again"))))
                .expectNext("reply").verifyComplete();
        assertThat(calls).hasValue(1);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void failedCallsAreNotCached() {
        StepVerifier.create(cache.get("job", "chat", "hash",
                        () -> counted(Mono.<String>error(new AiException(AiException.Kind.TRANSIENT, "down", null, null)))))
                .expectError(AiException.class)
                .verify(Duration.ofSeconds(30));
        assertThat(cache.size()).isZero();

        StepVerifier.create(cache.get("job", "chat", "hash", () -> counted(Mono.just("reply"))))
                .expectNext("reply").expectComplete().verify(Duration.ofSeconds(30));
        assertThat(calls).hasValue(2);
        StepVerifier.create(cache.get("job", "chat", "hash", () -> counted(Mono.just("other"))))
                .expectNext("reply").verifyComplete();
        assertThat(calls).hasValue(2);
    }

    @Test
    void emptyRepliesAreNotCached() {
        StepVerifier.create(cache.get("job", "chat", "hash", () -> counted(Mono.<String>empty())))
                .expectComplete().verify(Duration.ofSeconds(30));
        StepVerifier.create(cache.get("job", "chat", "hash", () -> counted(Mono.just("reply"))))
                .expectNext("reply").expectComplete().verify(Duration.ofSeconds(30));
        assertThat(calls).hasValue(2);
    }

    @Test
    void cancellingCancelsTheCallAndCachesNothing() {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        try {
            Disposable waiting = cache.get("job", "chat", "hash", () -> counted(Mono.<String>never())).subscribe();
            Awaitility.await().until(() -> calls.get() == 1);

            waiting.dispose();

            Awaitility.await().until(() -> cancelled.get() == 1);
        } finally {
            Hooks.resetOnErrorDropped();
        }
        assertThat(dropped).as("the caller's own cancel did not come back to it as an error").isEmpty();
        StepVerifier.create(cache.get("job", "chat", "hash", () -> counted(Mono.just("reply"))))
                .expectNext("reply").expectComplete().verify(Duration.ofSeconds(30));
        assertThat(calls).hasValue(2);
    }

    @Test
    void aSharedCallOutlivesACallerWhoLeavesAndIsCancelledWithTheLast() {
        // Two runs of one job in one replica (a run taken over by its own replica) share a call; the older run ends
        // (its stage latch trips). The call goes on for the newer run, and does not carry the older one's latch.
        CancelLatch older = new CancelLatch();
        Sinks.One<String> reply = Sinks.one();
        AtomicReference<Boolean> latchInCall = new AtomicReference<>();
        Mono<String> call = Mono.deferContextual(context -> {
            latchInCall.set(context.hasKey(CancelLatch.class));
            return counted(reply.asMono());
        });
        StepVerifier olderCaller = StepVerifier.create(cache.get("job", "chat", "hash", () -> call)
                        .contextWrite(CancelLatch.in(older)))
                .expectSubscription()
                .expectComplete()
                .verifyLater();
        StepVerifier newerCaller = StepVerifier.create(cache.get("job", "chat", "hash", () -> call))
                .expectNext("reply")
                .expectComplete()
                .verifyLater();
        await().until(() -> calls.get() == 1);

        older.cancel();
        olderCaller.verify(Duration.ofSeconds(30));
        reply.tryEmitValue("reply").orThrow();

        newerCaller.verify(Duration.ofSeconds(30));
        assertThat(latchInCall.get()).as("the shared call runs without the first caller's latch").isFalse();
        assertThat(cancelled).as("the call went on for the caller still waiting").hasValue(0);
        assertThat(calls).hasValue(1);

        // Both callers of a call in flight leave: the last one cancels it.
        Disposable first = cache.get("job", "chat", "other", () -> counted(Mono.<String>never())).subscribe();
        Disposable second = cache.get("job", "chat", "other", () -> counted(Mono.<String>never())).subscribe();
        await().until(() -> calls.get() == 2);
        first.dispose();
        assertThat(cancelled).as("one caller still waits").hasValue(0);
        second.dispose();
        await().until(() -> cancelled.get() == 1);
    }

    @Test
    void aCallerWhoseLatchTrippedStartsNoCall() {
        CancelLatch ended = new CancelLatch();
        ended.cancel();

        StepVerifier.create(cache.get("job", "chat", "hash", () -> counted(Mono.just("reply")))
                        .contextWrite(CancelLatch.in(ended)))
                .expectComplete()
                .verify(Duration.ofSeconds(30));

        assertThat(calls).hasValue(0);
        assertThat(cache.size()).isZero();
    }

    @Test
    void keysAreJobKindAndContent() {
        for (String[] key : new String[][] {{"job", "chat", "a"}, {"job", "chat", "b"}, {"job", "captions", "a"},
                {"other", "chat", "a"}}) {
            StepVerifier.create(cache.get(key[0], key[1], key[2], () -> counted(Mono.just(String.join("/", key)))))
                    .expectNext(String.join("/", key)).expectComplete().verify(Duration.ofSeconds(30));
        }
        assertThat(calls).hasValue(4);
        assertThat(cache.size()).isEqualTo(4);
    }

    @Test
    void holdsAtMostItsBound() {
        AiCache small = new AiCache(2);
        for (int i = 0; i < 5; i++) {
            String hash = "h" + i;
            StepVerifier.create(small.get("job", "chat", hash, () -> Mono.just(hash)))
                    .expectNext(hash).expectComplete().verify(Duration.ofSeconds(30));
        }
        // Caffeine evicts in its maintenance, on another thread: over the bound for a moment, within it soon after.
        await().atMost(Duration.ofSeconds(10)).until(() -> small.size() <= 2);
    }

    @Test
    void refusesANonPositiveBound() {
        assertThatThrownBy(() -> new AiCache(0)).hasMessage("maxEntries must be > 0, but was 0");
    }

    private <T> Mono<T> counted(Mono<T> reply) {
        return Mono.defer(() -> {
            calls.incrementAndGet();
            return reply;
        }).doOnCancel(cancelled::incrementAndGet);
    }
}
