package dev.airbag.providers;

import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.ProviderKind;
import dev.airbag.core.time.Clock;
import dev.airbag.providers.anthropic.AnthropicAdapter;
import dev.airbag.providers.gemini.GeminiAdapter;
import dev.airbag.providers.http.ProviderClient;
import dev.airbag.providers.http.WireAdapter;
import dev.airbag.providers.openai.OpenAiAdapter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;

/**
 * The entry to the providers module: which wire format a provider kind speaks, and a client that
 * speaks it.
 */
public final class WireFormats {

  private WireFormats() {}

  /** The adapter of a provider's wire format. */
  public static WireAdapter adapterFor(ProviderKind kind) {
    return switch (kind) {
      case OPENAI -> new OpenAiAdapter();
      case ANTHROPIC -> new AnthropicAdapter();
      case GEMINI -> new GeminiAdapter();
    };
  }

  /**
   * A client to {@code deployment} in its provider's wire format, on {@code http}'s connections.
   */
  public static ProviderClient client(
      Vertx vertx, HttpClient http, Clock clock, Deployment deployment) {
    return new ProviderClient(vertx, http, clock, deployment, adapterFor(deployment.provider()));
  }
}
