package dev.airbag.bench.jmh;

import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.LiteLlmConfigLoader;
import java.util.Map;

/** The config the benchmarks share: one deployment per wire format, chained as fallbacks. */
final class Fixtures {

  static final String QUESTION =
      "Summarize: the harbour froze in January and the ferries stopped for two weeks, "
          + "so the island's shops ran short of milk and bread until the ice-breaker arrived from the mainland.";

  private Fixtures() {}

  /** {@code base} is a simulator's {@code http://host:port}. */
  static GatewayConfig config(String base) {
    String yaml =
        """
        model_list:
          - model_name: bench-openai
            litellm_params: {model: openai/gpt-4.1, api_key: k, api_base: "%1$s/v1"}
          - model_name: bench-anthropic
            litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: k, api_base: "%1$s"}
          - model_name: bench-gemini
            litellm_params: {model: gemini/gemini-2.5-pro, api_key: k, api_base: "%1$s"}
        router_settings:
          fallbacks: [{bench-openai: [bench-anthropic, bench-gemini]}]
        """
            .formatted(base);
    return new LiteLlmConfigLoader(Map.<String, String>of()::get).parse("bench.yaml", yaml);
  }
}
