package dev.airbag.core.chat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A chat request in Airbag's canonical form, independent of any wire format.
 *
 * @param model the model group the caller asked for
 * @param stop up to four stop sequences
 */
public record ChatRequest(
    String model,
    List<ChatMessage> messages,
    OptionalInt maxTokens,
    OptionalDouble temperature,
    OptionalDouble topP,
    List<String> stop,
    boolean stream,
    Optional<String> user) {

  /** The text of the last user message: what the caller actually asked. */
  public String lastUserText() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == Role.USER) {
        return messages.get(i).content();
      }
    }
    return "";
  }
}
