package dev.airbag.bench.overhead;

import dev.airbag.bench.NodeProcess;
import dev.airbag.bench.OpenLoop;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The nodes' counters when a measurement starts, to report what it cost them. */
final class NodeReadings {
  private final List<NodeProcess> nodes;
  private final long[] cpu;
  private final long[] alloc;
  private final long jit;
  private final long[][] loops;
  private final long[][] sched;

  NodeReadings(List<NodeProcess> nodes) throws Exception {
    this.nodes = nodes;
    cpu = nodes.stream().mapToLong(NodeProcess::cpuNanos).toArray();
    alloc = nodes.stream().mapToLong(NodeProcess::allocatedBytes).toArray();
    jit = WarmUp.jitMillis(nodes);
    loops = new long[nodes.size()][];
    sched = new long[nodes.size()][];
    for (int i = 0; i < nodes.size(); i++) {
      loops[i] = nodes.get(i).loopStalls();
      sched[i] = nodes.get(i).loopSchedstat();
    }
  }

  /**
   * The nodes' figures since these readings, per request of {@code served}: loop stalls,
   * scheduling, CPU, allocation, RSS, JIT.
   */
  JsonObject since(OpenLoop.Target served) throws Exception {
    long requests = Math.max(1, served.ok + served.errors);
    long[] loopsNow = new long[3];
    long[] schedNow = new long[3];
    long cpuNanos = 0;
    long allocBytes = 0;
    long peakRssKb = 0;
    for (int i = 0; i < nodes.size(); i++) {
      addDifference(loopsNow, loops[i], nodes.get(i).loopStalls());
      addDifference(schedNow, sched[i], nodes.get(i).loopSchedstat());
      cpuNanos += nodes.get(i).cpuNanos() - cpu[i];
      allocBytes += nodes.get(i).allocatedBytes() - alloc[i];
      peakRssKb = Math.max(peakRssKb, nodes.get(i).peakRssKb());
    }
    return new JsonObject()
        .put(
            "node_loop_stalls",
            new JsonObject()
                .put("ticks", loopsNow[0])
                .put("over_10_ms", loopsNow[1])
                .put("over_50_ms", loopsNow[2]))
        .put(
            "node_loops_scheduled",
            new JsonObject()
                .put("on_core_us_per_request", Figures.round(schedNow[0] / 1000.0 / requests))
                .put(
                    "waiting_for_core_us_per_request",
                    Figures.round(schedNow[1] / 1000.0 / requests))
                .put(
                    "waiting_for_core_us_per_wake_up",
                    Figures.round(schedNow[1] / 1000.0 / Math.max(1, schedNow[2])))
                .put("wake_ups_per_request", Figures.round(schedNow[2] / (double) requests)))
        .put(
            "node",
            nodeCost(cpuNanos, allocBytes, requests)
                .put("peak_rss_mb", peakRssKb / 1024)
                .put("jit_ms", WarmUp.jitMillis(nodes) - jit));
  }

  /**
   * The machine's CPU time so far, in clock ticks ({@code /proc/stat}): {@code [stolen by the
   * hypervisor for other guests, all]}. Stolen time is a stall no process here caused; zeros where
   * there is no such file.
   */
  static long[] hostCpuTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long all = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) {
        all +=
            Long.parseLong(
                f[i]); // user nice system idle iowait irq softirq steal (guest time is within user)
      }
      return new long[] {f.length > 8 ? Long.parseLong(f[8]) : 0, all};
    } catch (IOException | RuntimeException e) {
      return new long[2];
    }
  }

  /** Adds {@code after - before}, element by element, to {@code sum}. */
  static void addDifference(long[] sum, long[] before, long[] after) {
    for (int k = 0; k < sum.length; k++) {
      sum[k] += after[k] - before[k];
    }
  }

  static JsonObject nodeCost(long cpuNanos, long allocBytes, long requests) {
    return new JsonObject()
        .put("cpu_seconds_per_1000_requests", Figures.round(cpuNanos / 1e9 / requests * 1000))
        .put("alloc_kb_per_request", Figures.round(allocBytes / 1024.0 / requests));
  }
}
