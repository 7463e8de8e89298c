package dev.airbag.node.drill;

import dev.airbag.node.bus.RequestOrigin;
import dev.airbag.node.telemetry.LatencyHistograms;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

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

  DrillOverride drill() {
    return drill;
  }

  /** Whether a request of {@code origin} is traffic this drill judges Airbag by. */
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

  /** What this node saw so far. */
  TrafficFigures figures() {
    return new TrafficFigures(
        requests.sum(),
        userVisibleErrors.sum(),
        windowRequests.sum(),
        windowByTarget.sum(),
        windowElsewhere.sum(),
        windowElsewhereAnswered.sum(),
        windowElsewhereMaxAttempts.get(),
        sums(byDeployment),
        sums(windowAnsweredBy),
        micros.copy());
  }

  private static Map<String, Long> sums(Map<String, LongAdder> counts) {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
