package dev.airbag.node.routing;

import java.util.Collection;

/**
 * Why a request is not served, in no API's dialect: each door renders it in its own error shape.
 *
 * @param status the HTTP status (4xx for the caller's mistake, 503 when the gateway has no answer)
 * @param param the request field at fault, or null
 * @param code a stable machine-readable reason ({@code model_not_found}, ...), or null
 */
public record Refusal(int status, String message, String param, String code) {

  /** The caller sent something that cannot be served as sent. */
  public static Refusal invalid(String message, String param) {
    return new Refusal(400, message, param, null);
  }

  static Refusal modelNotFound(String model, Collection<String> groups) {
    return new Refusal(
        404,
        "The model `" + model + "` does not exist. Models here: " + String.join(", ", groups),
        "model",
        "model_not_found");
  }
}
