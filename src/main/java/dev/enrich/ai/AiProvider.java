package dev.enrich.ai;

import java.nio.file.Path;
import reactor.core.publisher.Mono;

/**
 * Call an OpenAI-compatible AI service (port). Stages use it to improve their local results; when it is disabled or a
 * call fails, they keep the local result.
 *
 * <p>Every call names who it is for ({@link AiCall}), so cost can be accounted in the backend. Implementations never
 * put prices, token counts or provider internals into the errors they signal: errors are {@link AiException}s whose
 * {@link AiException#kind()} says whether a retry could help.
 */
public interface AiProvider extends AutoCloseable {

    /** Return true when an AI service is configured and may be called. */
    boolean enabled();

    /**
     * Transcribe one audio file (a WAV chunk of at most the provider's upload limit).
     *
     * @param offsetSeconds where the chunk starts in the whole recording; returned segment times include it
     */
    Mono<Transcription> transcribe(AiCall call, Path wav, double offsetSeconds);

    /** Ask the chat model; with {@link ChatRequest#json()} the reply content is a JSON object (still untrusted). */
    Mono<ChatReply> chat(AiCall call, ChatRequest request);

    /** Release what the provider holds (a connection pool); a decorator closes what it wraps. Default: nothing. */
    @Override
    default void close() {}
}
