package dev.airbag.bench.overhead;

import dev.airbag.bench.NodeProcess;
import dev.airbag.bench.OpenLoop;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The highest rate each path sustains, the direct path, the node and the bare proxy climbing a
 * ladder together rung by rung.
 */
final class ThroughputSearch {

  private ThroughputSearch() {}

  /** A rate is sustained when everything is answered with 200 and p99 stays under this. */
  static final double SUSTAINED_P99_MS = 50;

  /**
   * The rates the throughput search climbs, each about an eighth above the last: with steps of a
   * quarter, one step either way moved the ratio of the two paths by a quarter.
   */
  static final int[] LADDER = {
    1_000, 1_120, 1_250, 1_400, 1_600, 1_800, 2_000, 2_250, 2_500, 2_800, 3_200, 3_600, 4_000,
    4_500, 5_000, 5_600, 6_400, 7_200, 8_000, 9_000, 10_000, 11_200, 12_500, 14_000, 16_000, 18_000,
    20_000, 22_500, 25_000, 28_000, 32_000, 36_000, 40_000
  };

  /**
   * The highest rate each path sustains alone: direct, through the node, and through a {@link
   * BareProxy} (the floor of a Vert.x gateway on this machine), climbing {@link #LADDER} together
   * until a rate fails twice running on a path. It never steps back down: an overloaded step leaves
   * its connections in every pool, which would handicap the steps after it. Also records the node's
   * CPU and allocation per request at each rate it sustained, to show whether they stay flat as
   * load grows.
   */
  static JsonObject maxThroughput(
      OpenLoop load, Scenario s, Sims sims, NodeProcess node, NodeProcess bare, int seconds)
      throws Exception {
    int stepSeconds = Math.max(1, Math.min(3, seconds / 5));
    int cap = seconds < 5 ? 2_000 : Integer.MAX_VALUE;
    int direct = s.direct().apply(sims).port();
    JsonObject result = new JsonObject();
    JsonArray byRate = new JsonArray();
    // The paths still climbing, by name, and the highest rate each sustained so far.
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("direct", direct);
    ports.put("bare", bare.port);
    ports.put("airbag", node.port);
    Map<String, Integer> sustained = new LinkedHashMap<>();
    ports.keySet().forEach(path -> sustained.put(path, 0));
    // The paths climb together, each rate tried on each in turn: the host's speed moves by half
    // within minutes, so paths climbed one after another would meet different hosts.
    for (int rate : LADDER) {
      if (rate > cap || ports.isEmpty()) {
        break;
      }
      for (String path : List.copyOf(ports.keySet())) {
        NodeProcess measured = path.equals("airbag") ? node : null;
        OpenLoop.Target t = new OpenLoop.Target(path, ports.get(path), Overhead.PATH);
        long cpu = 0;
        long alloc = 0;
        // A step gets a second try: one stall of the shared machine in a few seconds is not a rate
        // the path cannot sustain.
        for (int attempt = 0;
            attempt < 2 && (attempt == 0 || !t.sustained(SUSTAINED_P99_MS));
            attempt++) {
          cpu = measured == null ? 0 : measured.cpuNanos();
          alloc = measured == null ? 0 : measured.allocatedBytes();
          t =
              Overhead.get(load.run(List.of(t), rate, stepSeconds * 1000L, Scenarios.body(false)))
                  .get(0);
        }
        if (!t.sustained(SUSTAINED_P99_MS)) {
          // What stopped the climb: a rate the path could not hold, or a stall at it (p99 far over,
          // no errors).
          result.put(
              path + "_stopped_at",
              new JsonObject()
                  .put("rate", rate)
                  .put("p99_ms", Figures.round(Figures.ms(t.micros, 99)))
                  .put("failed", t.errors + t.unanswered));
          ports.remove(path);
          continue;
        }
        sustained.put(path, rate);
        if (measured != null) {
          byRate.add(
              NodeReadings.nodeCost(
                      measured.cpuNanos() - cpu,
                      measured.allocatedBytes() - alloc,
                      Math.max(1, t.ok))
                  .put("rate", rate));
        }
      }
    }
    sustained.forEach((path, rate) -> result.put(path + "_per_s", rate));
    int directPerS = Math.max(1, sustained.get("direct"));
    return result
        .put("ratio", Figures.round(sustained.get("airbag") / (double) directPerS))
        .put("bare_ratio", Figures.round(sustained.get("bare") / (double) directPerS))
        .put("step_seconds", stepSeconds)
        .put(
            "sustained_when",
            "every request answered with 200 and p99 <= " + SUSTAINED_P99_MS + " ms")
        .put("node_by_rate", byRate);
  }
}
