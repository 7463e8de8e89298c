package dev.airbag.node.drill;

import dev.airbag.node.bus.RequestOrigin;
import dev.airbag.node.telemetry.LatencyHistograms;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one node saw of a drill's traffic: every request to the target's model group that counts
 * (the drill's own, or with {@link DrillOverride#live} every request), how it was answered and how
 * long it took at the gateway. Any event loop records into it; the drill's node merges every node's
 * at the end.
 */
public final class DrillTally {

  private final DrillOverride drill;
  private final LongAdder requests = new LongAdder();
  private final LongAdder userVisibleErrors = new LongAdder();
  private final LongAdder windowRequests = new LongAdder();
  private final LongAdder windowByTarget = new LongAdder();
  private final LongAdder windowElsewhere = new LongAdder();
  private final LongAdder windowElsewhereAnswered = new LongAdder();
  private final AtomicInteger windowElsewhereMaxAttempts = new AtomicInteger();
  private final Map<String, LongAdder> byDeployment = new ConcurrentHashMap<>();

  /** Who answered the window's requests that the target did not, as "deployment (tier tier)". */
  private final Map<String, LongAdder> windowAnsweredBy = new ConcurrentHashMap<>();

  private final ConcurrentHistogram micros =
      new ConcurrentHistogram(LatencyHistograms.MAX_MICROS, 2);

  DrillTally(DrillOverride drill) {
    this.drill = drill;
  }

  /** The figures of a node that saw none of a drill's traffic. */
  static JsonObject none() {
    return new DrillTally(null).toJson();
  }

  DrillOverride drill() {
    return drill;
  }

  /** Whether a request from {@code caller} is traffic this drill judges Airbag by. */
  public boolean counts(RequestOrigin origin) {
    return origin == RequestOrigin.DRILL || drill.live() && origin == RequestOrigin.USER;
  }

  /**
   * One request to the target's model group, sent at {@code sentAtMillis} and answered after {@code
   * latencyNanos}: by {@code deployment} of {@code tier} (both null when no tier answered), with
   * the canned answer, or refused.
   */
  public void observe(
      long sentAtMillis,
      long latencyNanos,
      String deployment,
      String tier,
      boolean canned,
      int attempts) {
    requests.increment();
    micros.recordValue(Math.min(LatencyHistograms.MAX_MICROS, Math.max(0, latencyNanos / 1_000)));
    if (canned) {
      userVisibleErrors.increment();
    }
    if (deployment != null) {
      byDeployment.computeIfAbsent(deployment, d -> new LongAdder()).increment();
    }
    if (sentAtMillis < drill.untilMillis()) {
      windowRequests.increment();
      if (drill.deployment().equals(deployment)) {
        windowByTarget.increment();
        return;
      }
      windowElsewhere.increment();
      windowElsewhereMaxAttempts.accumulateAndGet(attempts, Math::max);
      if (deployment != null) {
        windowElsewhereAnswered.increment();
        windowAnsweredBy
            .computeIfAbsent(deployment + " (" + tier + " tier)", k -> new LongAdder())
            .increment();
      }
    }
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("requests", requests.sum())
        .put("user_visible_errors", userVisibleErrors.sum())
        .put("window_requests", windowRequests.sum())
        .put("window_by_target", windowByTarget.sum())
        .put("window_elsewhere", windowElsewhere.sum())
        .put("window_elsewhere_answered", windowElsewhereAnswered.sum())
        .put("window_elsewhere_max_attempts", windowElsewhereMaxAttempts.get())
        .put("by_deployment", counts(byDeployment))
        .put("window_answered_by", counts(windowAnsweredBy))
        .put("latency_micros", LatencyHistograms.encode(micros.copy()));
  }

  /** Every node's figures added up, the latency histograms merged into percentiles. */
  static JsonObject merge(List<JsonObject> nodes) {
    JsonObject sum = new JsonObject();
    Histogram latency = LatencyHistograms.empty();
    Map<String, Long> byDeployment = new TreeMap<>();
    Map<String, Long> answeredBy = new TreeMap<>();
    long[] totals = new long[6];
    int maxAttempts = 0;
    for (JsonObject n : nodes) {
      totals[0] += n.getLong("requests");
      totals[1] += n.getLong("user_visible_errors");
      totals[2] += n.getLong("window_requests");
      totals[3] += n.getLong("window_by_target");
      totals[4] += n.getLong("window_elsewhere");
      totals[5] += n.getLong("window_elsewhere_answered");
      maxAttempts = Math.max(maxAttempts, n.getInteger("window_elsewhere_max_attempts"));
      n.getJsonObject("by_deployment")
          .forEach(
              e -> byDeployment.merge(e.getKey(), ((Number) e.getValue()).longValue(), Long::sum));
      n.getJsonObject("window_answered_by")
          .forEach(
              e -> answeredBy.merge(e.getKey(), ((Number) e.getValue()).longValue(), Long::sum));
      latency.add(LatencyHistograms.decode(n.getString("latency_micros")));
    }
    sum.put("requests", totals[0])
        .put("user_visible_errors", totals[1])
        .put("window_requests", totals[2])
        .put("window_by_target", totals[3])
        .put("window_elsewhere", totals[4])
        .put("window_elsewhere_answered", totals[5])
        .put("window_elsewhere_max_attempts", maxAttempts)
        .put("by_deployment", new JsonObject(new TreeMap<>(byDeployment)))
        .put("window_answered_by", new JsonObject(new TreeMap<>(answeredBy)));
    if (latency.getTotalCount() > 0) {
      sum.put("p50_ms", LatencyHistograms.millis(latency, 50))
          .put("p95_ms", LatencyHistograms.millis(latency, 95))
          .put("p99_ms", LatencyHistograms.millis(latency, 99))
          .put("max_ms", Math.round(latency.getMaxValue() / 100.0) / 10.0);
    }
    return sum;
  }

  private static JsonObject counts(Map<String, LongAdder> counts) {
    JsonObject json = new JsonObject();
    new TreeMap<>(counts).forEach((k, v) -> json.put(k, v.sum()));
    return json;
  }
}
