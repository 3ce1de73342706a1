package dev.enrich.ai;

import java.util.List;

/**
 * Ask a chat model.
 *
 * @param task which configured model to use
 * @param messages the conversation; images as PNG bytes
 * @param json ask for a JSON object reply ({@code response_format: json_object})
 * @param maxOutputTokens the most tokens the reply may use
 */
public record ChatRequest(Task task, List<Message> messages, boolean json, int maxOutputTokens) {

    public ChatRequest {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        if (maxOutputTokens <= 0) {
            throw new IllegalArgumentException("maxOutputTokens must be > 0, but was " + maxOutputTokens);
        }
    }

    /** Name what a chat call is for; each task has its own model setting. */
    public enum Task {
        SUMMARY,
        VISION,
        CANVAS
    }

    /**
     * Hold one message: text plus optional images.
     *
     * @param role {@code system}, {@code user} or {@code assistant}
     * @param text the text
     * @param pngImages images to show the model (downscaled by the caller)
     */
    public record Message(String role, String text, List<byte[]> pngImages) {

        public Message {
            pngImages = List.copyOf(pngImages);
        }

        /** Return a text-only message. */
        public static Message of(String role, String text) {
            return new Message(role, text, List.of());
        }
    }
}
