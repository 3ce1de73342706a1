package dev.enrich.api;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Carry an accepted event stream from {@link EventStreamController} to {@link SseRoute}, which writes it outside the
 * web filter chain. The route puts one in the Reactor context of the exchange (key: this class); the controller hands
 * over the stream's frames instead of writing them, and ends its exchange with the headers.
 */
final class StreamHandoff {

    private volatile @Nullable Flux<byte[]> frames;

    /** Hand over the frames of an accepted stream (cold: nothing is sent or counted until subscribed). */
    void hand(Flux<byte[]> frames) {
        this.frames = frames;
    }

    /** Take the frames handed over, if any; the caller must subscribe to them. */
    @Nullable Flux<byte[]> take() {
        Flux<byte[]> taken = frames;
        frames = null;
        return taken;
    }

    /**
     * Let go of frames handed over and never taken (the exchange failed or its client left): subscribing and
     * cancelling at once releases what the stream holds, such as its event log subscription.
     */
    Mono<Void> drop() {
        Flux<byte[]> untaken = take();
        return untaken == null ? Mono.empty() : untaken.take(0).then();
    }
}
