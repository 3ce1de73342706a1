package dev.enrich.resilience;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatReply;
import dev.enrich.ai.ChatRequest;
import dev.enrich.ai.Transcription;
import dev.enrich.pipeline.RetryNotices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;

/** Remember every retry announced to the calls it {@linkplain #listening listens to}, as a stage's notices would. */
final class RecordingListener implements RetryNotices {

    /** One announced retry. */
    record Retrying(String dependency, int attempt, int maxAttempts, Duration delay) {}

    final List<Retrying> heard = new CopyOnWriteArrayList<>();

    @Override
    public void retrying(String dependency, int attempt, int maxAttempts, Duration delay) {
        heard.add(new Retrying(dependency, attempt, maxAttempts, delay));
    }

    /** Return {@code provider} whose calls run with this listener in their Reactor context, as inside a stage. */
    AiProvider listening(AiProvider provider) {
        RetryNotices notices = this;
        return new AiProvider() {
            @Override
            public boolean enabled() {
                return provider.enabled();
            }

            @Override
            public Mono<Transcription> transcribe(AiCall call, Path wav, double offsetSeconds) {
                return provider.transcribe(call, wav, offsetSeconds).contextWrite(RetryNotices.in(notices));
            }

            @Override
            public Mono<ChatReply> chat(AiCall call, ChatRequest request) {
                return provider.chat(call, request).contextWrite(RetryNotices.in(notices));
            }
        };
    }
}
