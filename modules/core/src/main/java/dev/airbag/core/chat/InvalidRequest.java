package dev.airbag.core.chat;

/**
 * A caller's request that cannot be served as sent: becomes an OpenAI-style 400 naming the
 * parameter.
 */
public final class InvalidRequest extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String param;

  public InvalidRequest(String param, String message) {
    super(message, null, false, false);
    this.param = param;
  }

  public String param() {
    return param;
  }
}
