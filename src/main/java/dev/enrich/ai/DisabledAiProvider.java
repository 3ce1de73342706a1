package dev.enrich.ai;

import java.nio.file.Path;
import reactor.core.publisher.Mono;

/** Stand in for the AI provider when none is configured: {@link #enabled()} is false and every call fails PERMANENT. */
public final class DisabledAiProvider implements AiProvider {

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public Mono<Transcription> transcribe(AiCall call, Path wav, double offsetSeconds) {
        return Mono.error(notConfigured(OpenAiWire.TRANSCRIPTION));
    }

    @Override
    public Mono<ChatReply> chat(AiCall call, ChatRequest request) {
        return Mono.error(notConfigured(OpenAiWire.CHAT));
    }

    static AiException notConfigured(String operation) {
        return AiErrors.refused(operation, "no AI provider is configured (enrich.ai.base-url is empty)");
    }
}
