package dev.airbag.node.routing;

import dev.airbag.core.chat.ChatResponse;
import dev.airbag.providers.http.ChatStream;

/**
 * What the router settled on for one request: which rung answered, and how. Each door renders it in
 * its own dialect.
 */
public sealed interface RoutedAnswer {

  /** Provider calls made for this request, retries included. */
  int attempts();

  /** A tier answered. Exactly one of {@code response} and {@code stream} is set. */
  record Served(
      String tier,
      String deployment,
      String model,
      int attempts,
      ChatResponse response,
      ChatStream stream)
      implements RoutedAnswer {}

  /**
   * Every tier failed: rung 3, the gateway's own words, never dressed up as the model's. With
   * {@code asError} the caller gets a 503 carrying the message instead of an answer.
   */
  record Canned(int attempts, String message, boolean asError) implements RoutedAnswer {

    /** The model name a canned answer carries, so no client mistakes it for a model's. */
    public static final String MODEL = "airbag-canned";

    /** The tier a canned answer is reported under, in headers, metrics and traces. */
    public static final String TIER = "canned";

    /**
     * The error a caller gets instead of the answer when {@code airbag.canned.mode} is {@code
     * error}.
     */
    public Refusal asRefusal() {
      return new Refusal(503, message, null, "all_tiers_failed");
    }
  }

  /** The caller's own mistake, as a provider or the gateway reported it; never failed over. */
  record Refused(Refusal refusal, int attempts) implements RoutedAnswer {}
}
