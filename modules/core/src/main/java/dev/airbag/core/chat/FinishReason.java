package dev.airbag.core.chat;

/**
 * Why generation stopped, in OpenAI's vocabulary (every provider's reason maps onto one of these).
 */
public enum FinishReason {
  STOP("stop"),
  LENGTH("length"),
  CONTENT_FILTER("content_filter"),
  TOOL_CALLS("tool_calls");

  private final String wire;

  FinishReason(String wire) {
    this.wire = wire;
  }

  /** The value OpenAI's {@code finish_reason} uses. */
  public String wire() {
    return wire;
  }
}
