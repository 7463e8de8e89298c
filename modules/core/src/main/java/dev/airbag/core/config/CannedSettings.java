package dev.airbag.core.config;

/**
 * Rung 3, {@code airbag.canned}: what a caller gets when every tier has failed. {@code response}
 * answers 200 with a plainly marked message from the gateway; {@code error} answers 503 for API
 * clients that would rather handle the failure themselves.
 */
public record CannedSettings(Mode mode, String message) {

  public enum Mode {
    RESPONSE,
    ERROR
  }

  public static final String DEFAULT_MESSAGE =
      "We're under heavy load right now and couldn't complete your request. "
          + "This is an automatic message from the service, not an answer from the AI model. "
          + "Please try again in a minute.";

  public static final CannedSettings DEFAULTS = new CannedSettings(Mode.RESPONSE, DEFAULT_MESSAGE);
}
