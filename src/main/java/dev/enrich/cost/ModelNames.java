package dev.enrich.cost;

import dev.enrich.ai.ChatRequest;
import java.util.EnumMap;
import java.util.Map;

/**
 * Name the configured models, so calls can be priced and attributed when the reply does not name its model: a
 * transcription (whose reply carries no model) or a failed call.
 *
 * @param transcription the transcription model
 * @param chat the chat model per task
 */
public record ModelNames(String transcription, Map<ChatRequest.Task, String> chat) {

    /** Name a model nobody named. */
    public static final String UNKNOWN = "unknown";

    public ModelNames {
        chat = chat.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(chat));
    }

    /** Return the model configured for {@code task}, or {@link #UNKNOWN}. */
    public String chat(ChatRequest.Task task) {
        return chat.getOrDefault(task, UNKNOWN);
    }
}
