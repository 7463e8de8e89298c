package dev.airbag.node.telemetry;

import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.outcome.Outcome;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * This node's figures for the minute under way, for the dashboard's history: per deployment the
 * calls, failures, judge scores and call latency; per model group the requests by tier served. Any
 * event loop records into it; the {@link HistoryWriter} alone takes the minute's figures out.
 */
public final class MinuteCounters {

  /**
   * One deployment's counters; the latency recorder hands out what was recorded since it was last
   * asked.
   */
  public static final class Calls {
    public final LongAdder calls = new LongAdder();
    public final LongAdder failures = new LongAdder();
    public final LongAdder judged = new LongAdder();
    public final java.util.concurrent.atomic.DoubleAdder judgeSum =
        new java.util.concurrent.atomic.DoubleAdder();
    public final Recorder micros = new Recorder(LatencyHistograms.MAX_MICROS, 2);
  }

  private final Map<String, Calls> deployments = new LinkedHashMap<>();
  private final Map<String, Map<String, LongAdder>> tiers = new ConcurrentHashMap<>();

  public MinuteCounters(GatewayConfig config) {
    for (Deployment d : config.deployments()) {
      deployments.put(d.id(), new Calls());
    }
  }

  /**
   * A provider call ended ({@code latencyNanos} -1 when unknown); outcomes that are not the
   * provider's doing (benched, the caller's error) are not counted.
   */
  public void call(String deployment, Outcome outcome, long latencyNanos) {
    if (!outcome.countsAsCall()) {
      return;
    }
    Calls c = deployments.get(deployment);
    c.calls.increment();
    if (outcome != Outcome.SUCCESS) {
      c.failures.increment();
    }
    if (latencyNanos >= 0) { // a stream that broke after its first token has no latency of its own
      c.micros.recordValue(Math.min(LatencyHistograms.MAX_MICROS, latencyNanos / 1_000));
    }
  }

  /** A quality verdict on one answer: a judge's score, or 0 for a failed cheap check. */
  public void judged(String deployment, double score) {
    Calls c = deployments.get(deployment);
    c.judged.increment();
    c.judgeSum.add(score);
  }

  /** A request to {@code modelGroup} was answered by {@code tier} ({@code canned} for rung 3). */
  public void served(String modelGroup, String tier) {
    tiers
        .computeIfAbsent(modelGroup, g -> new ConcurrentHashMap<>())
        .computeIfAbsent(tier, t -> new LongAdder())
        .increment();
  }

  public Map<String, Calls> deployments() {
    return deployments;
  }

  /** Takes the requests by tier counted since the last call: the adders start again from zero. */
  public JsonObject takeTiers() {
    JsonObject json = new JsonObject();
    tiers.forEach(
        (group, byTier) -> {
          JsonObject t = new JsonObject();
          byTier.forEach(
              (tier, n) -> {
                long v = n.sumThenReset();
                if (v > 0) {
                  t.put(tier, v);
                }
              });
          json.put(group, t);
        });
    return json;
  }
}
