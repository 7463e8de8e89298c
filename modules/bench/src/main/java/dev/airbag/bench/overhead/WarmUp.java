package dev.airbag.bench.overhead;

import dev.airbag.bench.NodeProcess;
import dev.airbag.bench.OpenLoop;
import dev.airbag.providers.http.ProviderClient;
import io.vertx.core.buffer.Buffer;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Loads a path until the JIT is quiet and the connections the cold start opened have idled out, so
 * the compiled hot path is what gets measured.
 */
final class WarmUp {

  private WarmUp() {}

  /**
   * Brings the JVMs up to speed: an eighth, a quarter and half the rate for a second each, then the
   * full rate for as long as the measurement, then on at the full rate a second at a time until the
   * JIT of the nodes and of this JVM (generator and simulators) has settled: {@link #QUIET_STEPS}
   * seconds in a row under {@link #JIT_SETTLED_MS} of compilation per JVM, counted from after the
   * first idle connection closed. On two busy cores the compiler thread falls behind: twenty
   * seconds into the load it was still compiling the hot path for the first time, and what was
   * measured was partly C1's code with C2 competing for the cores. And the connections a stall
   * opened sit idle in a node's pool until their keep-alive runs out: the first to close took the
   * node's I/O methods (channel read, write, flush) down a path untried until then, and C2 threw
   * their code away and compiled them again, seconds of compilation that had landed in the
   * measurement. So the quiet steps count from the first close seen at the simulators, and the
   * settling also waits for {@link #IDLE_OUT_MS} without a new connection: then every connection a
   * stall of the warm-up opened has closed. The first close alone does not say so: a node's cold
   * start fills both of its pools, which take a while to drain once they begin to close, and Vert.x
   * walks every pooled connection for each call: a cost a node under steady load does not pay, and
   * one that would differ between a node and its twin. A short run (under 5 s, the harness's own
   * test) waits for neither. Starting cold at the full rate would queue thousands of requests. The
   * settling lasts at most {@link #SETTLE_MEASUREMENTS} measurements' length plus the idle-out.
   * Returns the seconds it took.
   */
  static long warmUp(
      OpenLoop load,
      List<OpenLoop.Target> targets,
      List<NodeProcess> nodes,
      Sims sims,
      int rate,
      int seconds,
      Buffer body)
      throws Exception {
    long started = System.nanoTime();
    boolean harnessCheck = seconds < 5;
    long step = harnessCheck ? 250 : 1_000;
    long closedBefore = sims.connectionsClosed();
    for (int divisor : new int[] {8, 4, 2}) {
      Overhead.get(load.run(targets, Math.max(1, rate / divisor), step, body));
    }
    Overhead.get(load.run(targets, rate, seconds * 1000L, body));
    long jit = allJitMillis(nodes);
    long lastStep = 0;
    int quietSteps = 0;
    long opened = sims.connectionsAccepted();
    long sinceNewConnection = 0;
    boolean idledOut = harnessCheck;
    boolean settled = false;
    long cap = SETTLE_MEASUREMENTS * seconds * 1000L + (harnessCheck ? 0 : IDLE_OUT_MS);
    for (long extra = 0; extra < cap && !settled; extra += step) {
      for (NodeProcess node : nodes) {
        node.loopStalls(); // a Prometheus scrape, as the measurement makes: its first one
        // deoptimised the hot path
      }
      if (!idledOut && sims.connectionsClosed() > closedBefore) {
        idledOut = true;
        quietSteps = 0; // the quiet steps that settle it all come after the first close
      }
      Overhead.get(load.run(targets, rate, step, body));
      long now = allJitMillis(nodes);
      lastStep = now - jit;
      jit = now;
      quietSteps =
          lastStep * 1000 / step < JIT_SETTLED_MS * (nodes.size() + 1) ? quietSteps + 1 : 0;
      long nowOpened = sims.connectionsAccepted();
      sinceNewConnection = nowOpened == opened ? sinceNewConnection + step : 0;
      opened = nowOpened;
      settled = quietSteps >= QUIET_STEPS && (harnessCheck || sinceNewConnection >= IDLE_OUT_MS);
    }
    System.err.println(
        "bench: warmed up, JIT "
            + lastStep
            + " ms in the last "
            + step
            + " ms, "
            + (sims.connectionsClosed() - closedBefore)
            + " connections closed"
            + (settled ? "" : " (not settled)"));
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
  }

  /**
   * Compilation per JVM and second below which a step is quiet (2.5% of one compiler thread), and
   * the quiet steps in a row that make the JIT settled: one quiet second was often a lull, with
   * seconds of compilation still to come. The settling lasts at most that many measurements'
   * lengths, plus the idle-out.
   */
  static final long JIT_SETTLED_MS = 25;

  static final int QUIET_STEPS = 3;

  static final int SETTLE_MEASUREMENTS = 3;

  /**
   * Time without a new connection after which every idle one has closed: keep-alive, the pool
   * cleaner's second, one more.
   */
  static final long IDLE_OUT_MS = (ProviderClient.KEEP_ALIVE_SECONDS + 2) * 1000L;

  static long jitMillis(List<NodeProcess> nodes) {
    return nodes.stream().mapToLong(NodeProcess::jitMillis).sum();
  }

  /**
   * The nodes' compilation so far and this JVM's: the generator and the simulators are measured
   * too.
   */
  static long allJitMillis(List<NodeProcess> nodes) {
    return jitMillis(nodes) + ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }
}
