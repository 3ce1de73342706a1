package dev.enrich.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiException;
import dev.enrich.config.JobsProperties;
import dev.enrich.job.Job;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import dev.enrich.resilience.BackoffPolicy;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Delays per error kind, the attempt caps, and the wait itself, in virtual time. */
class JobRetriesTest {

    private static final JobsProperties SETTINGS = new JobsProperties(5, 3, Duration.ofSeconds(5),
            Duration.ofMinutes(2), 0, Duration.ofMinutes(1));
    private static final Throwable UNAVAILABLE = new AiException(AiException.Kind.TRANSIENT,
            "chat failed: HTTP 503", null, null);

    private final AtomicReference<Optional<Duration>> breaker = new AtomicReference<>(Optional.empty());
    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final JobRetries retries = new JobRetries(SETTINGS, new BackoffPolicy(SETTINGS.backoff(), () -> 0.5),
            breaker::get, () -> time, (job, delay) -> Mono.just(false));

    @Test
    void backsOffExponentiallyUpToMaxAttemptsThenGivesUp() {
        assertThat(retries.delay(1, UNAVAILABLE)).contains(Duration.ofSeconds(5));
        assertThat(retries.delay(2, UNAVAILABLE)).contains(Duration.ofSeconds(10));
        assertThat(retries.delay(4, UNAVAILABLE)).contains(Duration.ofSeconds(40));
        assertThat(retries.delay(5, UNAVAILABLE)).as("the 5th run was the last").isEmpty();
    }

    @Test
    void rateLimitsWaitForRetryAfterUpToItsCap() {
        Throwable limited = new AiException(AiException.Kind.TRANSIENT, "chat failed: HTTP 429",
                Duration.ofSeconds(30), null);
        Throwable greedy = new AiException(AiException.Kind.TRANSIENT, "chat failed: HTTP 429",
                Duration.ofHours(1), null);

        assertThat(retries.delay(1, limited)).contains(Duration.ofSeconds(30));
        assertThat(retries.delay(1, greedy)).contains(Duration.ofMinutes(1));
    }

    @Test
    void timeoutsGetThreeRunsWhateverMaxAttempts() {
        Throwable timeout = new IOException("read", new TimeoutException("timed out"));
        assertThat(retries.delay(2, timeout)).isPresent();
        assertThat(retries.delay(3, timeout)).isEmpty();
        assertThat(retries.delay(3, UNAVAILABLE)).isPresent();
    }

    @Test
    void serverErrorsFollowTheBreakersView() {
        breaker.set(Optional.of(Duration.ofSeconds(30)));
        assertThat(retries.delay(1, UNAVAILABLE)).as("an open circuit: wait until it lets probes through")
                .contains(Duration.ofSeconds(30));
        assertThat(retries.delay(4, UNAVAILABLE)).as("a longer backoff still wins").contains(Duration.ofSeconds(40));
    }

    @Test
    void permanentFailuresNeverRetry() {
        assertThat(retries.delay(1, new IllegalStateException("bad input"))).isEmpty();
        assertThat(retries.delay(1, new AiException(AiException.Kind.KEY_REJECTED, "HTTP 401", null, null)))
                .isEmpty();
    }

    @Test
    void aJobIsDueExactlyWhenItsWaitEndsAndAStopAbandonsTheOthers() {
        Job first = job("j-1");
        Job second = job("j-2");
        Flux<Job> due = retries.due();

        StepVerifier.create(due)
                .then(() -> {
                    retries.later(first, Duration.ofSeconds(5)).block();
                    retries.later(second, Duration.ofSeconds(60)).block();
                })
                .then(() -> time.advanceTimeBy(Duration.ofMillis(4999)))
                .expectNoEvent(Duration.ZERO)
                .then(() -> time.advanceTimeBy(Duration.ofMillis(1)))
                .expectNext(first)
                .then(() -> assertThat(retries.abandon()).containsExactly(second))
                .then(() -> time.advanceTimeBy(Duration.ofMinutes(2)))
                .expectNoEvent(Duration.ZERO)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aJobTheDurableQueueHoldsIsNotHeldHereAndOneItFailedToHoldIs() {
        List<String> offered = new ArrayList<>();
        JobRetries durable = new JobRetries(SETTINGS, new BackoffPolicy(SETTINGS.backoff(), () -> 0.5), breaker::get,
                () -> time, (job, delay) -> {
                    offered.add(job.id() + "@" + delay.toSeconds());
                    return job.id().equals("j-down") ? Mono.error(new IllegalStateException("Redis down"))
                            : Mono.just(true);
                });

        StepVerifier.create(durable.due())
                .then(() -> {
                    durable.later(job("j-held"), Duration.ofSeconds(5)).block();
                    durable.later(job("j-down"), Duration.ofSeconds(5)).block();
                })
                .then(() -> time.advanceTimeBy(Duration.ofSeconds(5)))
                .assertNext(job -> assertThat(job.id()).isEqualTo("j-down"))
                .then(() -> assertThat(durable.abandon()).isEmpty())
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(offered).containsExactly("j-held@5", "j-down@5");
    }

    @Test
    void aWaitTheDurableQueueCouldNotBeReachedForIsHeldThereOnceItIsBackNotHere() {
        AtomicInteger tries = new AtomicInteger();
        JobRetries durable = new JobRetries(SETTINGS, new BackoffPolicy(SETTINGS.backoff(), () -> 0.5), breaker::get,
                () -> time, (job, delay) -> tries.incrementAndGet() <= 2
                        ? Mono.error(new QueryTimeoutException("Redis command timed out"))
                        : Mono.just(true));

        StepVerifier.create(durable.later(job("j-outage"), Duration.ofSeconds(5)))
                .then(() -> time.advanceTimeBy(Duration.ofSeconds(10)))
                .verifyComplete();

        assertThat(tries).hasValue(3);
        assertThat(durable.abandon()).as("not held here as well").isEmpty();
    }

    private static Job job(String id) {
        return Job.queued(id, "acme", "s-1", null, Priority.INTERACTIVE, Set.of(StageName.SUMMARY),
                Instant.parse("2025-01-01T00:00:00Z"));
    }
}
