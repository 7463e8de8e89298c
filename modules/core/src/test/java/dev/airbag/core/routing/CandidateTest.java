package dev.airbag.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.config.LiteLlmConfigLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The order a request walks its chain in: tier by tier, each tier's deployments rotated. */
class CandidateTest {

  /**
   * Two deployments share the primary's model group (LiteLLM's load-balanced group), one the
   * secondary's.
   */
  private final List<Tier> chain =
      new TierPlan(
              new LiteLlmConfigLoader(Map.of("K", "k")::get)
                  .parse(
                      "c.yaml",
                      """
                      model_list:
                        - {model_name: p, litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: os.environ/K}}
                        - {model_name: p, litellm_params: {model: openai/gpt-4.1, api_key: os.environ/K}}
                        - {model_name: s, litellm_params: {model: gemini/gemini-2.5-pro, api_key: os.environ/K}}
                      router_settings:
                        fallbacks: [{p: [s]}]
                      """))
          .chainFor("p")
          .orElseThrow();

  private List<String> order(int rotation) {
    return Candidate.inOrder(chain, rotation).stream()
        .map(c -> c.tier().name() + ":" + c.deployment().model())
        .toList();
  }

  @Test
  void everyDeploymentOfEveryTierIsTriedOnceAndTiersKeepTheirOrder() {
    assertThat(order(0))
        .containsExactly(
            "primary:claude-sonnet-4-5", "primary:gpt-4.1", "secondary:gemini-2.5-pro");
  }

  @Test
  void consecutiveRequestsStartTheTierAtItsNextDeployment() {
    assertThat(order(1))
        .containsExactly(
            "primary:gpt-4.1", "primary:claude-sonnet-4-5", "secondary:gemini-2.5-pro");
    assertThat(order(2)).isEqualTo(order(0));
    assertThat(order(-1)).as("a rotation counter that wrapped past zero").isEqualTo(order(1));
  }
}
