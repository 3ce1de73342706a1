package dev.enrich.resilience;

import static dev.enrich.resilience.ScriptedAiProvider.OK;
import static dev.enrich.resilience.ScriptedAiProvider.fail;
import static dev.enrich.resilience.ScriptedAiProvider.hang;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiException;
import dev.enrich.ai.ChatReply;
import dev.enrich.ai.ChatRequest;
import dev.enrich.config.ResilienceProperties;
import dev.enrich.pipeline.StageName;
import dev.enrich.testing.MutableClock;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The bulkhead of each dependency (resilience4j's {@code BulkheadOperator}) refuses calls beyond its limit without
 * reaching the service and gets every permit back, whatever way an attempt ends, also under concurrent subscribers
 * answered on other threads (the case of resilience4j#1125, which did not reproduce with 2.4.0 and Reactor 3.8).
 */
class BulkheadPermitTest {

    private static final AiCall CALL = new AiCall("acme", "s-1", "j-1", StageName.SUMMARY);
    private static final ChatRequest HELLO = new ChatRequest(ChatRequest.Task.SUMMARY,
            List.of(ChatRequest.Message.of("user", "hi")), true, 100);

    private final ScriptedAiProvider service = new ScriptedAiProvider();
    private final Scheduler replies = Schedulers.newParallel("replies", 2);
    private final Scheduler callers = Schedulers.newParallel("callers", 2);
    private Dependencies dependencies = withLimit(2);

    @AfterEach
    void dispose() {
        replies.dispose();
        callers.dispose();
    }

    @Test
    void callsBeyondTheLimitFailAtOnceWithoutReachingTheService() {
        service.then(hang(), hang());
        ResilientAiProvider provider = provider();
        Disposable first = provider.chat(CALL, HELLO).subscribe();
        Disposable second = provider.chat(CALL, HELLO).subscribe();
        assertThat(service.calls()).isEqualTo(2);
        assertThat(inFlight()).isEqualTo(2);

        StepVerifier.create(provider.chat(CALL, HELLO)).expectError(AiException.class).verify();
        assertThat(service.calls()).isEqualTo(2);

        first.dispose();
        second.dispose();
        assertThat(inFlight()).isZero();
        StepVerifier.create(provider.chat(CALL, HELLO)).expectNext(OK).verifyComplete();
    }

    @Test
    void everyEndingGivesItsPermitBack() {
        dependencies = withLimit(1);
        ResilientAiProvider provider = provider();

        StepVerifier.create(provider.chat(CALL, HELLO)).expectNext(OK).verifyComplete();
        assertThat(inFlight()).isZero();

        service.then(fail(AiException.Kind.PERMANENT));
        StepVerifier.create(provider.chat(CALL, HELLO)).expectError(AiException.class).verify();
        assertThat(inFlight()).isZero();

        service.then(Mono::empty);
        StepVerifier.create(provider.chat(CALL, HELLO)).verifyComplete();
        assertThat(inFlight()).isZero();

        service.then(hang());
        Disposable waiting = provider.chat(CALL, HELLO).subscribe();
        assertThat(inFlight()).isEqualTo(1);
        waiting.dispose();
        assertThat(service.cancelled()).isEqualTo(1);
        assertThat(inFlight()).isZero();

        service.then(hang());
        StepVerifier.withVirtualTime(() -> provider.chat(CALL, HELLO))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(5))
                .expectError(AiException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(inFlight()).isZero();

        // Each call above found the single permit free, so none of them was refused.
        assertThat(service.calls()).isEqualTo(5);
    }

    @Test
    void concurrentCallsAnsweredOnOtherThreadsAllEndAndReturnTheirPermits() {
        int calls = 600;
        dependencies = withLimit(calls);
        for (int i = 0; i < calls; i++) {
            service.then(outcome(i));
        }
        ResilientAiProvider provider = provider();

        // Every call ends (a lost completion would leave the count short) and no permit is left taken.
        StepVerifier.create(Flux.range(0, calls)
                        .flatMap(i -> provider.chat(CALL, HELLO).subscribeOn(callers)
                                .map(reply -> "value")
                                .defaultIfEmpty("empty")
                                .onErrorResume(AiException.class, e -> Mono.just("error")), calls)
                        .count())
                .expectNext((long) calls)
                .expectComplete()
                .verify(Duration.ofSeconds(60));
        assertThat(service.calls()).isEqualTo(calls);
        assertThat(inFlight()).isZero();
    }

    private Supplier<Mono<ChatReply>> outcome(int i) {
        return switch (i % 3) {
            case 0 -> () -> Mono.just(OK).publishOn(replies);
            case 1 -> () -> Mono.<ChatReply>empty().publishOn(replies);
            default -> () -> Mono.<ChatReply>error(new AiException(AiException.Kind.PERMANENT, "no", null, null))
                    .publishOn(replies);
        };
    }

    private int inFlight() {
        Bulkhead.Metrics metrics = dependencies.guards(Dependencies.AI_CHAT).bulkhead().getMetrics();
        return metrics.getMaxAllowedConcurrentCalls() - metrics.getAvailableConcurrentCalls();
    }

    private static Dependencies withLimit(int maxConcurrentCalls) {
        ResilienceProperties.Retry d = ResilienceProperties.Retry.defaults();
        ResilienceProperties settings = new ResilienceProperties(
                new ResilienceProperties.Retry(0, d.firstBackoff(), d.maxBackoff(), d.jitter(), d.maxRetryAfter()),
                TestSettings.fiveInARow().circuitBreaker(), maxConcurrentCalls, Duration.ofSeconds(5));
        return new Dependencies(settings, new SimpleMeterRegistry(), MutableClock.at("2025-01-01T00:00:00Z"));
    }

    private ResilientAiProvider provider() {
        return new ResilientAiProvider(service, dependencies, new BackoffPolicy(dependencies.settings().retry(),
                () -> 0.5), Schedulers::parallel);
    }
}
