package dev.enrich.reactive;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Ends the work of a cancelled flow (the attempts of a retry loop, the calls of a stage run) whichever thread starts
 * it, and whatever operator the cancel went through.
 *
 * <p>Reactor's operators that switch from one source to the next ({@code retryWhen}, {@code concat},
 * {@code concatMap}, {@code timeout}, {@code onErrorResume}...) hand each source's subscription to an arbiter
 * ({@code MultiSubscriptionSubscriber}) whose {@code set} reads "cancelled" before it takes its work slot. A cancel
 * that runs whole in between leaves the source being subscribed installed, requested, and never cancelled
 * (reactor-core issue 4398, open; fix proposed in pull request 4403). It happens when the next source starts on one
 * thread (a {@code subscribeOn}, a retry's timer, the end of the source before) as the flow is cancelled on another:
 * that work then runs to its own time limit, holding what it holds (an AI call, its bulkhead permit). Written here
 * until Reactor ships the fix.
 *
 * <p>One latch per subscription of the flow, tripped at its end above the operators that could lose its cancel,
 * after the cancel went up (so the work still in flight sees a cancel, not an empty end):
 * {@code latch.guard(attempt).retryWhen(...).doFinally(signal -> latch.cancel())}. Work further inside (an AI call
 * within a stage) finds the latch in the Reactor context ({@link #in}, {@link #guardInContext}).
 */
public final class CancelLatch {

    private final Sinks.Empty<Void> cancelled = Sinks.empty();
    private final @Nullable CancelLatch parent;
    private volatile boolean done;

    /** Create a latch of its own. */
    public CancelLatch() {
        this(null);
    }

    private CancelLatch(@Nullable CancelLatch parent) {
        this.parent = parent;
    }

    /** Return a latch whose guard ends work at its own cancel or at this one's (a stage run's, within its stage's). */
    public CancelLatch child() {
        return new CancelLatch(this);
    }

    /**
     * Return {@code work}, ended (completing empty, its subscription cancelled) by {@link #cancel()}; work subscribed
     * after the cancel completes empty without subscribing to {@code work}.
     */
    public <T> Mono<T> guard(Mono<T> work) {
        Mono<T> own = Mono.defer(() -> done ? Mono.<T>empty() : work.takeUntilOther(cancelled.asMono()));
        return parent == null ? own : parent.guard(own);
    }

    /** Return {@code work}, ended as {@link #guard(Mono)} ends a Mono. */
    public <T> Flux<T> guard(Flux<T> work) {
        Flux<T> own = Flux.defer(() -> done ? Flux.<T>empty() : work.takeUntilOther(cancelled.asMono()));
        return parent == null ? own : parent.guard(own);
    }

    /** End the work running now, if any, and every work subscribed from now on. */
    public void cancel() {
        done = true;
        cancelled.tryEmitEmpty();
    }

    /** Return whether {@link #cancel()} was called, on this latch or on the one it is a child of. */
    public boolean isCancelled() {
        return done || parent != null && parent.isCancelled();
    }

    /** Return a copy of {@code context} without a latch: for work shared beyond the subscriber that starts it. */
    public static Context without(ContextView context) {
        return Context.of(context).delete(CancelLatch.class);
    }

    /** Return a context change that makes {@code latch} the one upstream work finds, for {@code contextWrite}. */
    public static Function<Context, Context> in(CancelLatch latch) {
        return context -> context.put(CancelLatch.class, latch);
    }

    /** Return {@code work} guarded by the latch in its subscriber's context, or as it is where there is none. */
    public static <T> Mono<T> guardInContext(Mono<T> work) {
        return Mono.deferContextual(context -> context.<CancelLatch>getOrEmpty(CancelLatch.class)
                .map(latch -> latch.guard(work))
                .orElse(work));
    }
}
