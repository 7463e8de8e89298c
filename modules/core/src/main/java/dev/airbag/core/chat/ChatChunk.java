package dev.airbag.core.chat;

import java.util.Optional;

/**
 * One piece of a streamed answer: text to append, and on the last pieces the finish reason and
 * usage.
 */
public record ChatChunk(String text, Optional<FinishReason> finishReason, Optional<Usage> usage) {

  public static ChatChunk text(String text) {
    return new ChatChunk(text, Optional.empty(), Optional.empty());
  }
}
