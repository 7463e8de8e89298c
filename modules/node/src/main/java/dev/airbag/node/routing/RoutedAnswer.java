package dev.airbag.node.routing;

import dev.airbag.core.chat.ChatResponse;
import dev.airbag.providers.http.ChatStream;
import io.vertx.core.json.JsonObject;

/** What the router settled on for one request: which rung answered, and how. */
public sealed interface RoutedAnswer {

  /** Provider calls made for this request, retries included. */
  int attempts();

  /** A tier answered. Exactly one of {@code response} and {@code stream} is set. */
  record Served(String tier, String deployment, String model, int attempts, ChatResponse response, ChatStream stream)
      implements RoutedAnswer {}

  /** Every tier failed: rung 3. */
  record Canned(int attempts) implements RoutedAnswer {}

  /** The caller's own mistake, as a provider or the gateway reported it; never failed over. */
  record Refused(int status, JsonObject error, int attempts) implements RoutedAnswer {}
}
