package dev.airbag.core.chat;

/** Token counts as the provider reported them. */
public record Usage(int promptTokens, int completionTokens) {

  public int totalTokens() {
    return promptTokens + completionTokens;
  }
}
