package dev.airbag.core.chat;

/**
 * A whole (non-streamed) answer in canonical form.
 *
 * @param model the provider's own model name, as it reported it
 */
public record ChatResponse(
    String id, String model, String content, FinishReason finishReason, Usage usage) {}
