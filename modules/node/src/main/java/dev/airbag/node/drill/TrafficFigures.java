package dev.airbag.node.drill;

import dev.airbag.node.telemetry.LatencyHistograms;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What nodes saw of a drill's traffic: one node's tally, or every node's added up. The drill's node
 * collects them over the event bus ({@link #toWire}, {@link #fromWire}) and judges the drill by
 * their {@link #merge}.
 *
 * @param windowElsewhere window requests not answered by the target (another tier, the canned
 *     answer, or a refusal)
 * @param windowAnsweredBy who answered those, as "deployment (tier tier)"
 * @param latency request latency at the gateway, in microseconds
 */
public record TrafficFigures(
    long requests,
    long userVisibleErrors,
    long windowRequests,
    long windowByTarget,
    long windowElsewhere,
    long windowElsewhereAnswered,
    int windowElsewhereMaxAttempts,
    Map<String, Long> byDeployment,
    Map<String, Long> windowAnsweredBy,
    Histogram latency) {

  /** The figures of a node that saw none of a drill's traffic. */
  public static TrafficFigures none() {
    return new TrafficFigures(0, 0, 0, 0, 0, 0, 0, Map.of(), Map.of(), LatencyHistograms.empty());
  }

  /** Every node's figures added up, the latency histograms merged. */
  public static TrafficFigures merge(List<TrafficFigures> nodes) {
    long[] t = new long[6];
    int maxAttempts = 0;
    Map<String, Long> byDeployment = new TreeMap<>();
    Map<String, Long> answeredBy = new TreeMap<>();
    Histogram latency = LatencyHistograms.empty();
    for (TrafficFigures n : nodes) {
      t[0] += n.requests;
      t[1] += n.userVisibleErrors;
      t[2] += n.windowRequests;
      t[3] += n.windowByTarget;
      t[4] += n.windowElsewhere;
      t[5] += n.windowElsewhereAnswered;
      maxAttempts = Math.max(maxAttempts, n.windowElsewhereMaxAttempts);
      n.byDeployment.forEach((k, v) -> byDeployment.merge(k, v, Long::sum));
      n.windowAnsweredBy.forEach((k, v) -> answeredBy.merge(k, v, Long::sum));
      latency.add(n.latency);
    }
    return new TrafficFigures(
        t[0], t[1], t[2], t[3], t[4], t[5], maxAttempts, byDeployment, answeredBy, latency);
  }

  /** The latency at {@code percentile} in milliseconds, or null when no request completed. */
  public Double latencyMillis(double percentile) {
    return latency.getTotalCount() == 0 ? null : LatencyHistograms.millis(latency, percentile);
  }

  /** The slowest request in milliseconds, to 0.1 ms. */
  public double maxMillis() {
    return Math.round(latency.getMaxValue() / 100.0) / 10.0;
  }

  /** As the report shows them: counts, and the latency as percentiles. */
  public JsonObject toReport() {
    JsonObject json = counts();
    if (latency.getTotalCount() > 0) {
      json.put("p50_ms", latencyMillis(50))
          .put("p95_ms", latencyMillis(95))
          .put("p99_ms", latencyMillis(99))
          .put("max_ms", maxMillis());
    }
    return json;
  }

  /** As they travel from a node to the drill's node: counts, and the latency histogram itself. */
  public JsonObject toWire() {
    return counts().put("latency_micros", LatencyHistograms.encode(latency));
  }

  public static TrafficFigures fromWire(JsonObject j) {
    return new TrafficFigures(
        j.getLong("requests"),
        j.getLong("user_visible_errors"),
        j.getLong("window_requests"),
        j.getLong("window_by_target"),
        j.getLong("window_elsewhere"),
        j.getLong("window_elsewhere_answered"),
        j.getInteger("window_elsewhere_max_attempts"),
        longs(j.getJsonObject("by_deployment")),
        longs(j.getJsonObject("window_answered_by")),
        LatencyHistograms.decode(j.getString("latency_micros")));
  }

  private JsonObject counts() {
    return new JsonObject()
        .put("requests", requests)
        .put("user_visible_errors", userVisibleErrors)
        .put("window_requests", windowRequests)
        .put("window_by_target", windowByTarget)
        .put("window_elsewhere", windowElsewhere)
        .put("window_elsewhere_answered", windowElsewhereAnswered)
        .put("window_elsewhere_max_attempts", windowElsewhereMaxAttempts)
        .put("by_deployment", new JsonObject(new TreeMap<String, Object>(byDeployment)))
        .put("window_answered_by", new JsonObject(new TreeMap<String, Object>(windowAnsweredBy)));
  }

  private static Map<String, Long> longs(JsonObject json) {
    Map<String, Long> out = new TreeMap<>();
    json.forEach(e -> out.put(e.getKey(), ((Number) e.getValue()).longValue()));
    return out;
  }
}
