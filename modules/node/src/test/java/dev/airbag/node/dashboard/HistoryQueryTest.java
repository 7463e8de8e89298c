package dev.airbag.node.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.LiteLlmConfigLoader;
import dev.airbag.node.telemetry.LatencyHistograms;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The dashboard's minutes from what every node wrote to the cluster's history. */
class HistoryQueryTest {

  private static final long M = HistoryWriter.MINUTE_MILLIS;
  private static final long T0 = 1_790_000_040L * 1000 / M * M;
  private static final GatewayConfig CONFIG =
      new LiteLlmConfigLoader(Map.of("K", "k")::get)
          .parse(
              "h.yaml",
              """
              model_list:
                - {model_name: p, litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: os.environ/K}}
                - {model_name: s, litellm_params: {model: openai/gpt-4.1, api_key: os.environ/K}}
              router_settings:
                fallbacks: [{p: [s]}]
              """);

  /** One node's record of one minute, as {@link HistoryWriter} writes it. */
  private static JsonObject minute(
      long at,
      String node,
      long calls,
      long failures,
      String state,
      long latencyMicros,
      long primary,
      long secondary) {
    Histogram h = LatencyHistograms.empty();
    for (int i = 0; i < calls; i++) {
      h.recordValue(latencyMicros);
    }
    JsonObject deployment =
        new JsonObject()
            .put("calls", calls)
            .put("failures", failures)
            .put("judged", 2L)
            .put("judge_sum", 1.5)
            .put("state", state)
            .put("latency", LatencyHistograms.encode(h));
    return new JsonObject()
        .put("minute", at)
        .put("node", node)
        .put("deployments", new JsonObject().put("p", deployment).put("gone", deployment.copy()))
        .put(
            "tiers",
            new JsonObject()
                .put("p", new JsonObject().put("primary", primary).put("secondary", secondary)));
  }

  private static final List<JsonObject> RECORDS =
      List.of(
          minute(T0, "n1", 10, 1, "CLOSED", 20_000, 9, 1),
          minute(T0, "n2", 30, 9, "OPEN", 40_000, 20, 10),
          minute(T0 + 2 * M, "n1", 4, 0, "HALF_OPEN", 10_000, 4, 0),
          minute(T0 + 9 * M, "n1", 99, 99, "OPEN", 1, 0, 0)); // outside the span

  @Test
  void theClusterViewAddsEveryNodesMinuteAndKeepsTheWorstState() {
    JsonObject view = HistoryQuery.aggregate(CONFIG, RECORDS, T0, T0 + 2 * M, null, List.of("n1"));
    assertThat(view.getJsonArray("minutes")).containsExactly(T0, T0 + M, T0 + 2 * M);
    assertThat(view.getJsonArray("nodes"))
        .as("members and every writer")
        .containsExactly("n1", "n2");
    JsonObject p = view.getJsonObject("deployments").getJsonObject("p");
    assertThat(p.getJsonArray("calls")).containsExactly(40L, 0L, 4L);
    assertThat(p.getJsonArray("error_rate")).containsExactly(10 / 40.0, null, 0.0);
    assertThat(p.getJsonArray("judge")).containsExactly(0.75, null, 0.75);
    assertThat(p.getJsonArray("state")).containsExactly("OPEN", null, "HALF_OPEN");
    assertThat(p.getJsonArray("p95_ms").getDouble(0))
        .as("the merged histogram's p95")
        .isBetween(39.0, 41.0);
    assertThat(p.getJsonArray("p95_ms").getValue(1)).isNull();
    assertThat(view.getJsonObject("deployments").getJsonObject("s").getJsonArray("calls"))
        .containsExactly(0L, 0L, 0L);
    assertThat(view.getJsonObject("deployments").containsKey("gone"))
        .as("a deployment no longer configured is not drawn")
        .isFalse();
    JsonObject tiers = view.getJsonObject("model_groups").getJsonObject("p");
    assertThat(tiers.getJsonArray("primary")).containsExactly(29L, 0L, 4L);
    assertThat(tiers.getJsonArray("secondary")).containsExactly(11L, 0L, 0L);
  }

  @Test
  void oneNodesViewCountsOnlyWhatThatNodeWrote() {
    JsonObject view =
        HistoryQuery.aggregate(CONFIG, RECORDS, T0, T0 + 2 * M, "n2", List.of("n1", "n2"));
    JsonObject p = view.getJsonObject("deployments").getJsonObject("p");
    assertThat(p.getJsonArray("calls")).containsExactly(30L, 0L, 0L);
    assertThat(p.getJsonArray("state")).isEqualTo(new JsonArray().add("OPEN").addNull().addNull());
    assertThat(view.getString("node")).isEqualTo("n2");
  }
}
