package dev.enrich.ai;

/**
 * Hold a chat reply and what it used.
 *
 * @param content the reply text (JSON when asked for); untrusted input
 * @param model the model that answered
 * @param inputTokens prompt tokens reported by the provider
 * @param outputTokens completion tokens reported by the provider
 */
public record ChatReply(String content, String model, long inputTokens, long outputTokens) {}
