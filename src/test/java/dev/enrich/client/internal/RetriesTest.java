package dev.enrich.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.client.EnrichApiException;
import dev.enrich.client.Problem;
import dev.enrich.client.RetryPolicy;
import dev.enrich.client.ServiceUnavailableException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Retries wait what Retry-After asks (within the policy) or a jittered exponential backoff, a bounded number of times.
 */
class RetriesTest {

    private static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofSeconds(10));

    @Test
    void honoursRetryAfterThenSucceeds() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        AtomicInteger attempts = new AtomicInteger();
        Mono<String> call = Mono.defer(() -> attempts.incrementAndGet() < 3
                ? Mono.error(busy(Duration.ofSeconds(7))) : Mono.just("ok"));

        StepVerifier.withVirtualTime(() -> call.retryWhen(Retries.of(POLICY, e -> true, time)), () -> time, 10)
                .expectSubscription()
                .then(() -> time.advanceTimeBy(Duration.ofMillis(6_999)))
                .then(() -> assertThat(attempts).hasValue(1))
                .then(() -> time.advanceTimeBy(Duration.ofMillis(1)))
                .then(() -> assertThat(attempts).hasValue(2))
                .then(() -> time.advanceTimeBy(Duration.ofSeconds(7)))
                .expectNext("ok")
                .verifyComplete();
    }

    @Test
    void givesUpAtOnceWhenRetryAfterIsLongerThanThePolicyWaits() {
        EnrichApiException tooLong = busy(Duration.ofSeconds(11));
        StepVerifier.create(Mono.error(tooLong).retryWhen(Retries.of(POLICY, e -> true, VirtualTimeScheduler.create())))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(tooLong))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void backsOffExponentiallyWithJitterAndStopsAfterMaxRetries() {
        RuntimeException down = new RuntimeException("down");
        for (int attempt = 0; attempt < 6; attempt++) {
            long nominal = Math.min(1000, 100L << attempt);
            assertThat(Retries.delay(POLICY, down, attempt).toMillis()).as("attempt %d", attempt)
                    .isBetween(nominal * 3 / 4, Math.min(1000, nominal * 5 / 4));
        }
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        AtomicInteger attempts = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> Mono.defer(() -> {
                    attempts.incrementAndGet();
                    return Mono.error(down);
                }).retryWhen(Retries.of(POLICY, e -> true, time)), () -> time, 1)
                .thenAwait(Duration.ofMinutes(1))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(down))
                .verify();
        assertThat(attempts).hasValue(4);
    }

    @Test
    void doesNotRetryWhatIsNotRetryable() {
        AtomicInteger attempts = new AtomicInteger();
        StepVerifier.create(Mono.defer(() -> {
                    attempts.incrementAndGet();
                    return Mono.error(new IllegalStateException("no"));
                }).retryWhen(Retries.of(POLICY, e -> false, VirtualTimeScheduler.create())))
                .expectError(IllegalStateException.class).verify(Duration.ofSeconds(5));
        assertThat(attempts).hasValue(1);
    }

    @Test
    void readsRetryAfterAsSecondsOrAnHttpDate() {
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
        assertThat(Problems.retryAfter("5", clock)).isEqualTo(Duration.ofSeconds(5));
        assertThat(Problems.retryAfter("Fri, 02 Jan 2026 03:04:35 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Problems.retryAfter("Fri, 02 Jan 2026 03:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(Problems.retryAfter("soon", clock)).isNull();
        assertThat(Problems.retryAfter("-1", clock)).isNull();
        assertThat(Problems.retryAfter(null, clock)).isNull();
    }

    private static EnrichApiException busy(Duration retryAfter) {
        return new ServiceUnavailableException(new Problem(503, "Service Unavailable", "Enrich is busy right now.",
                URI.create("about:blank"), null, retryAfter));
    }
}
