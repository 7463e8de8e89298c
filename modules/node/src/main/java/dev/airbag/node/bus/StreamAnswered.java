package dev.airbag.node.bus;

import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;

/**
 * A streamed answer that reached its end, assembled, sent back to the deployment's verticle so the
 * answer checks and the judge see streams as they see whole answers.
 */
public record StreamAnswered(ChatRequest request, ChatResponse response) {}
