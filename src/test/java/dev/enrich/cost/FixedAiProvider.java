package dev.enrich.cost;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatReply;
import dev.enrich.ai.ChatRequest;
import dev.enrich.ai.Transcription;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** Answer every call with a fixed reply (or a fixed error) and count the calls: a hand-written fake provider. */
final class FixedAiProvider implements AiProvider {

    final AtomicInteger calls = new AtomicInteger();
    private final ChatReply reply;
    private final double audioSeconds;
    private @Nullable RuntimeException error;
    private boolean never;
    private Mono<Void> gate = Mono.empty();

    FixedAiProvider(ChatReply reply, double audioSeconds) {
        this.reply = reply;
        this.audioSeconds = audioSeconds;
    }

    static FixedAiProvider chat(String model, long in, long out) {
        return new FixedAiProvider(new ChatReply("{\"title\":\"Standup\"}", model, in, out), 0);
    }

    static FixedAiProvider audio(double seconds) {
        return new FixedAiProvider(new ChatReply("", "none", 0, 0), seconds);
    }

    FixedAiProvider failing(RuntimeException e) {
        this.error = e;
        return this;
    }

    FixedAiProvider hanging() {
        this.never = true;
        return this;
    }

    /** Answer only once {@code gate} completes: calls stay in flight until then. */
    FixedAiProvider gatedBy(Mono<Void> gate) {
        this.gate = gate;
        return this;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Mono<Transcription> transcribe(AiCall call, Path wav, double offsetSeconds) {
        return answer(new Transcription("hello", List.of(new Transcription.Segment(offsetSeconds,
                offsetSeconds + 1, "hello")), audioSeconds));
    }

    @Override
    public Mono<ChatReply> chat(AiCall call, ChatRequest request) {
        return answer(reply);
    }

    private <T> Mono<T> answer(T value) {
        return Mono.defer(() -> {
            calls.incrementAndGet();
            if (never) {
                return Mono.never();
            }
            return gate.then(error != null ? Mono.error(error) : Mono.just(value));
        });
    }
}
