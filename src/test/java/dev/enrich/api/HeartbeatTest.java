package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Heartbeat comments of the event streams, in virtual time: when they come, that events pass, when they stop. */
class HeartbeatTest {

    private static final Duration EVERY = Duration.ofSeconds(15);
    private static final String OPEN = text(SseFrames.OPEN);
    private static final String BEAT = text(SseFrames.HEARTBEAT);
    private static final Duration JUST_BEFORE = EVERY.minusMillis(1);

    @Test
    void anIdleStreamGetsAHeartbeatEveryIntervalAndNothingInBetween() {
        StepVerifier.withVirtualTime(() -> body(Flux.never()))
                .expectNext(OPEN)
                .expectNoEvent(JUST_BEFORE)
                .thenAwait(Duration.ofMillis(1))
                .expectNext(BEAT)
                .expectNoEvent(JUST_BEFORE)
                .thenAwait(Duration.ofMillis(1))
                .expectNext(BEAT)
                .thenCancel()
                .verify();
    }

    @Test
    void eventsPassBetweenHeartbeatsAndNoHeartbeatFollowsTheLastEvent() {
        StepVerifier.withVirtualTime(() -> body(Flux.concat(
                        frame("id:1", Duration.ofSeconds(10)), frame("id:2", Duration.ofSeconds(10)),
                        Mono.<String>empty().delaySubscription(Duration.ofSeconds(30)))))
                .expectNext(OPEN)
                .expectNoEvent(Duration.ofSeconds(10))
                .expectNext("id:1")
                .expectNoEvent(Duration.ofSeconds(5))
                .expectNext(BEAT)
                .expectNoEvent(Duration.ofSeconds(5))
                .expectNext("id:2")
                .expectNoEvent(Duration.ofSeconds(10))
                .expectNext(BEAT)
                .expectNoEvent(Duration.ofSeconds(15))
                .expectNext(BEAT)
                .expectNoEvent(Duration.ofSeconds(5))
                .expectComplete()
                .verify();
    }

    @Test
    void aClientThatReadsNothingIsNotOwedAHeartbeatForEveryMissedIntervalButGetsEveryEvent() {
        VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
        try {
            List<String> got = new ArrayList<>();
            BaseSubscriber<String> stalled = new BaseSubscriber<>() {
                @Override
                protected void hookOnSubscribe(Subscription subscription) {
                    subscription.request(1);
                }

                @Override
                protected void hookOnNext(String frame) {
                    got.add(frame);
                }
            };
            body(frame("id:1", Duration.ofSeconds(50)).concatWith(Flux.never())).subscribe(stalled);
            time.advanceTimeBy(EVERY.multipliedBy(1000));
            assertThat(got).containsExactly(OPEN);

            stalled.request(Long.MAX_VALUE);
            assertThat(got).containsOnlyOnce("id:1");
            // What is held for a stalled client is bounded (the merge's small prefetch), not one per interval.
            assertThat(got).filteredOn(BEAT::equals).hasSizeLessThan(100);
            int before = got.size();
            time.advanceTimeBy(EVERY);
            assertThat(got.subList(before, got.size())).containsExactly(BEAT);
            stalled.dispose();
        } finally {
            VirtualTimeScheduler.reset();
        }
    }

    /** The body of a stream with the service's heartbeat, created inside virtual time, as text. */
    private static Flux<String> body(Flux<String> frames) {
        return EventStreamController.withHeartbeats(frames.map(f -> f.getBytes(StandardCharsets.US_ASCII)),
                        EventStreamController.heartbeats(EVERY))
                .map(HeartbeatTest::text);
    }

    private static Mono<String> frame(String text, Duration after) {
        return Mono.just(text).delayElement(after);
    }

    private static String text(byte[] frame) {
        return new String(frame, StandardCharsets.US_ASCII);
    }
}
