package dev.airbag.node.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airbag.core.config.DrillSettings;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.LiteLlmConfigLoader;
import dev.airbag.core.routing.TierPlan;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an operator's drill request means, and what it is refused for, without a node. */
class DrillPlanTest {

  private static final GatewayConfig CONFIG =
      new LiteLlmConfigLoader(Map.of("K", "sk-test")::get)
          .parse(
              "drills.yaml",
              """
              model_list:
                - model_name: alone
                  litellm_params: {model: openai/gpt-4.1, api_key: os.environ/K, timeout: 7}
                - model_name: primary
                  litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: os.environ/K, timeout: 20}
                - model_name: secondary
                  litellm_params: {model: openai/gpt-4.1, api_key: os.environ/K}
              router_settings:
                fallbacks: [{primary: [secondary]}]
              """);

  private static DrillPlan parse(String json) {
    return DrillPlan.parse(new JsonObject(json), CONFIG);
  }

  private static String refusedParam(String json) {
    try {
      parse(json);
    } catch (DrillPlan.Invalid e) {
      return e.param;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void aBareTargetIsAFailoverDrillWithTheDefaultsAndTheTargetsTimeoutAsItsSlo() {
    DrillPlan plan = parse("{\"target\":\"primary\"}");
    assertThat(plan.kind()).isEqualTo(DrillKind.FAILOVER);
    assertThat(plan.target().id()).isEqualTo("primary");
    assertThat(plan.duration()).isEqualTo(DrillSettings.DEFAULT_DURATION);
    assertThat(plan.rate()).isEqualTo(DrillSettings.DEFAULT_RATE);
    assertThat(plan.sloP95Millis()).isEqualTo(20_000);
    assertThat(plan.live()).isFalse();
  }

  @Test
  void everyFieldIsReadAsOperatorsWriteIt() {
    DrillPlan plan =
        parse(
            "{\"target\":\"primary\",\"kind\":\"QUALITY\",\"duration\":\"90s\",\"rate\":\"5/s\","
                + "\"slo_p95_ms\":800,\"recovery_limit\":\"2m\"}");
    assertThat(plan.kind()).isEqualTo(DrillKind.QUALITY);
    assertThat(plan.duration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(plan.rate()).isEqualTo(5.0);
    assertThat(plan.sloP95Millis()).isEqualTo(800);
    assertThat(plan.recoveryLimit()).isEqualTo(Duration.ofMinutes(2));
    assertThat(parse("{\"target\":\"primary\",\"rate\":\"live\"}").live()).isTrue();
  }

  @Test
  void eachWrongFieldIsRefusedByName() {
    assertThat(refusedParam("{}")).isEqualTo("target");
    assertThat(refusedParam("{\"target\":\"nope\"}")).isEqualTo("target");
    assertThat(refusedParam("{\"target\":7}")).isEqualTo("target");
    assertThat(refusedParam("{\"target\":\"primary\",\"kind\":\"fire\"}")).isEqualTo("kind");
    assertThat(refusedParam("{\"target\":\"primary\",\"duration\":\"2h\"}")).isEqualTo("duration");
    assertThat(refusedParam("{\"target\":\"primary\",\"duration\":\"soon\"}"))
        .isEqualTo("duration");
    assertThat(refusedParam("{\"target\":\"primary\",\"rate\":\"fast\"}")).isEqualTo("rate");
    assertThat(refusedParam("{\"target\":\"primary\",\"rate\":-1}")).isEqualTo("rate");
    assertThat(refusedParam("{\"target\":\"primary\",\"slo_p95_ms\":0}")).isEqualTo("slo_p95_ms");
    assertThatThrownBy(() -> parse("{\"target\":\"primary\",\"kind\":\"quality\",\"rate\":0}"))
        .isInstanceOf(DrillPlan.Invalid.class)
        .hasMessageContaining("needs a rate above 0");
  }

  @Test
  void theScheduledDrillTargetsTheFirstDeploymentWithATierToFailOverTo() {
    DrillSettings settings = CONFIG.airbag().drills();
    DrillPlan plan = DrillPlan.scheduled(settings, CONFIG, new TierPlan(CONFIG)).orElseThrow();
    assertThat(plan.target().id()).as("'alone' has no fallback").isEqualTo("primary");
  }
}
