package dev.airbag.node.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.LiteLlmConfigLoader;
import dev.airbag.node.telemetry.LatencyHistograms;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * A finished drill's verdict from the cluster's figures: each check and the figure that decided it.
 */
class DrillReportTest {

  private static final long UNTIL = 100_000;
  private static final GatewayConfig CONFIG =
      new LiteLlmConfigLoader(Map.of("K", "k")::get)
          .parse(
              "r.yaml",
              """
              model_list:
                - model_name: primary
                  litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: os.environ/K, timeout: 5}
                - model_name: secondary
                  litellm_params: {model: openai/gpt-4.1, api_key: os.environ/K}
              router_settings:
                fallbacks: [{primary: [secondary]}]
              """);
  private static final DrillPlan PLAN =
      DrillPlan.parse(new JsonObject().put("target", "primary").put("slo_p95_ms", 800), CONFIG);
  private static final DrillOverride OVERRIDE =
      new DrillOverride(
          "d1", DrillKind.FAILOVER, "primary", "primary", UNTIL, UNTIL + 60_000, false, 1);

  /** Every node's tally merged, as the drill's node collects it. */
  private static TrafficFigures traffic(long visibleErrors, int maxAttempts, long p95Micros) {
    Histogram latency = LatencyHistograms.empty();
    for (int i = 0; i < 200; i++) {
      latency.recordValue(i < 180 ? 20_000 : p95Micros);
    }
    return new TrafficFigures(
        200,
        visibleErrors,
        150,
        10,
        140,
        140 - visibleErrors,
        maxAttempts,
        Map.of("primary", 10L, "secondary", 190L - visibleErrors),
        Map.of("secondary (secondary tier)", 140L - visibleErrors),
        latency);
  }

  private static Sightings sightings(long firstFailureLatency, String... openedOn) {
    Map<String, Long> opened = new java.util.TreeMap<>();
    long at = 1_000;
    for (String node : openedOn) {
      opened.put(node, at += 7);
    }
    return new Sightings(
        Optional.of(new Sightings.FirstFailure("n1", 1, firstFailureLatency, "auth_failure")),
        opened);
  }

  private static Map<String, Boolean> checks(JsonObject report) {
    JsonArray checks = report.getJsonArray("checks");
    return checks.stream()
        .map(c -> (JsonObject) c)
        .collect(Collectors.toMap(c -> c.getString("name"), c -> c.getBoolean("passed")));
  }

  private static JsonObject verdict(TrafficFigures traffic, Sightings sightings, long closedAt) {
    JsonObject report = new JsonObject().put("id", "d1");
    DrillReport.BreakerAtOpen opened =
        new DrillReport.BreakerAtOpen("consecutive_failures", null, null, 0);
    return DrillReport.verdict(
        report,
        PLAN,
        OVERRIDE,
        traffic,
        0,
        sightings,
        List.of("n1", "n2", "n3"),
        new DrillReport.Recovery(
            UNTIL - 90_000, opened, closedAt < 0 ? -1 : UNTIL + 2_000, closedAt));
  }

  @Test
  void aDrillWhereEveryCheckHoldsPasses() {
    JsonObject report =
        verdict(traffic(0, 2, 120_000), sightings(35, "n1", "n2", "n3"), UNTIL + 12_000);
    assertThat(report.getString("status")).isEqualTo("passed");
    assertThat(checks(report))
        .containsOnlyKeys(
            "first_failure_fast",
            "next_tier_within_one_retry",
            "p95_within_slo",
            "breaker_opened_everywhere",
            "target_came_back",
            "no_user_visible_error")
        .allSatisfy((name, passed) -> assertThat(passed).as(name).isTrue());
  }

  @Test
  void eachShortfallFailsItsOwnCheckWithTheFigureThatDecidedIt() {
    JsonObject report = verdict(traffic(3, 3, 950_000), sightings(5_000, "n1", "n3"), -1);
    assertThat(report.getString("status")).isEqualTo("failed");
    assertThat(checks(report))
        .containsEntry("first_failure_fast", false)
        .containsEntry("next_tier_within_one_retry", false)
        .containsEntry("p95_within_slo", false)
        .containsEntry("breaker_opened_everywhere", false)
        .containsEntry("target_came_back", false)
        .containsEntry("no_user_visible_error", false);
    String figures = report.getJsonArray("checks").encode();
    assertThat(figures)
        .contains("after 5000 ms on node n1 (per-call timeout 5000 ms)")
        .contains("2 of 3 nodes saw it OPEN")
        .contains("not: n2")
        .containsPattern("p95 9[45][0-9]\\.[0-9] ms")
        .contains("3 of 200 requests failed");
  }
}
