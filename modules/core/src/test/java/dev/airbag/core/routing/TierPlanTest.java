package dev.airbag.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.LiteLlmConfigLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TierPlanTest {

  private final GatewayConfig config =
      new LiteLlmConfigLoader(Map.of("A", "a", "O", "o", "G", "g")::get)
          .parse(
              "t.yaml",
              """
      model_list:
        - {model_name: p, litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: os.environ/A}}
        - {model_name: s, litellm_params: {model: openai/gpt-4.1, api_key: os.environ/O}}
        - {model_name: t, litellm_params: {model: gemini/gemini-2.5-pro, api_key: os.environ/G}}
      router_settings:
        fallbacks: [{p: [s, t]}]
        context_window_fallbacks: [{p: [t]}]
      """);
  private final TierPlan plan = new TierPlan(config);

  @Test
  void chainsFollowFallbacksInOrderWithOrdinalNames() {
    List<Tier> chain = plan.chainFor("p").orElseThrow();
    assertThat(chain).extracting(Tier::name).containsExactly("primary", "secondary", "tertiary");
    assertThat(chain).extracting(Tier::modelGroup).containsExactly("p", "s", "t");
  }

  @Test
  void aGroupWithoutFallbacksIsItsOwnPrimary() {
    assertThat(plan.chainFor("s").orElseThrow())
        .extracting(Tier::name, Tier::modelGroup)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("primary", "s"));
    assertThat(plan.chainFor("nope")).isEmpty();
  }

  @Test
  void contextChainKeepsTheNamesOfTheMainChain() {
    List<Tier> main = plan.chainFor("p").orElseThrow();
    assertThat(plan.contextChainFor("p", main))
        .extracting(Tier::name, Tier::modelGroup)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("tertiary", "t"));
    assertThat(plan.contextChainFor("s", main)).isEmpty();
  }
}
