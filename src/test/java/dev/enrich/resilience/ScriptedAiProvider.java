package dev.enrich.resilience;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiException;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatReply;
import dev.enrich.ai.ChatRequest;
import dev.enrich.ai.Transcription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** Answer AI calls in memory from a script of outcomes (then succeed), counting the calls that reached it. */
final class ScriptedAiProvider implements AiProvider {

    static final ChatReply OK = new ChatReply("{\"summary\":\"ok\"}", "m", 1, 1);

    private final Queue<Supplier<Mono<ChatReply>>> script = new ConcurrentLinkedQueue<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();

    /** Answer the next calls with {@code outcomes}, in order. */
    @SafeVarargs
    final ScriptedAiProvider then(Supplier<Mono<ChatReply>>... outcomes) {
        script.addAll(List.of(outcomes));
        return this;
    }

    static Supplier<Mono<ChatReply>> fail(AiException.Kind kind) {
        return fail(kind, null);
    }

    static Supplier<Mono<ChatReply>> fail(AiException.Kind kind, @Nullable Duration retryAfter) {
        return () -> Mono.error(new AiException(kind, "chat failed: scripted " + kind, retryAfter, null));
    }

    static Supplier<Mono<ChatReply>> hang() {
        return Mono::never;
    }

    int calls() {
        return calls.get();
    }

    int cancelled() {
        return cancelled.get();
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Mono<Transcription> transcribe(AiCall call, Path wav, double offsetSeconds) {
        return next().map(reply -> new Transcription(reply.content(), List.of(), 1));
    }

    @Override
    public Mono<ChatReply> chat(AiCall call, ChatRequest request) {
        return next();
    }

    private Mono<ChatReply> next() {
        return Mono.defer(() -> {
            calls.incrementAndGet();
            Supplier<Mono<ChatReply>> outcome = script.poll();
            return outcome == null ? Mono.just(OK) : outcome.get();
        }).doOnCancel(cancelled::incrementAndGet);
    }
}
