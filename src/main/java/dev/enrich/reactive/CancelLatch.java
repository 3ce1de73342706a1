package dev.enrich.reactive;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Ends the attempts of a retry loop once the loop is cancelled, whichever thread starts them.
 *
 * <p>Reactor's retry operators hand each attempt's subscription to an arbiter ({@code MultiSubscriptionSubscriber})
 * whose {@code set} reads "cancelled" before it takes its work slot. A cancel that runs whole in between leaves the
 * attempt being subscribed installed, requested, and never cancelled (reactor-core issue 4398, open; fix proposed in
 * pull request 4403). It happens when an attempt starts on one thread (a {@code subscribeOn}, a retry's timer) as
 * the loop is cancelled on another: that attempt then runs to its own time limit, holding what it holds (an AI
 * call, its bulkhead permit). Written here until Reactor ships the fix.
 *
 * <p>One latch per subscription of the loop: {@code latch.guard(attempt).retryWhen(...).doOnCancel(latch::cancel)}.
 */
public final class CancelLatch {

    private final Sinks.Empty<Void> cancelled = Sinks.empty();
    private volatile boolean done;

    /**
     * Return {@code attempt}, ended (completing empty, its subscription cancelled) by {@link #cancel()}; an attempt
     * subscribed after the cancel completes empty without subscribing to {@code attempt}.
     */
    public <T> Mono<T> guard(Mono<T> attempt) {
        return Mono.defer(() -> done ? Mono.<T>empty() : attempt.takeUntilOther(cancelled.asMono()));
    }

    /** End the attempt running now, if any, and every attempt subscribed from now on. */
    public void cancel() {
        done = true;
        cancelled.tryEmitEmpty();
    }
}
