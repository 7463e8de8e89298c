package dev.airbag.bench.overhead;

import dev.airbag.bench.NodeProcess;
import dev.airbag.bench.OpenLoop;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node and its twin loaded alternately a slice at a time, so both meet the same moments of the
 * machine.
 */
final class Alternation {

  private Alternation() {}

  /** How long each of a scenario's node and its twin is loaded before the other's turn. */
  static final long SLICE_MS = 1_000;

  /**
   * How many measurements' length a node and its twin are each measured: a rise of 10% at p99 is
   * finer than one measurement's noise on a shared host (a burst lands in one node's slices and not
   * the other's); three times the slices average three times as many bursts.
   */
  static final int TWIN_MEASUREMENTS = 3;

  /**
   * Loads a scenario's node and its healthy twin alternately, as they will be measured, a
   * measurement's length at a time, until {@code nodes} (both) compiled under {@link
   * #LUKEWARM_SETTLED_MS} per second of load each (at most {@link #LUKEWARM_ROUNDS} times); returns
   * the seconds it took. A path that runs at a fraction of the rate (the judge's calls) reaches C2
   * minutes after the hot path, and each node sat idle through the other's warm-up: without this,
   * compilation lands in the measurement.
   */
  static long settleAlternately(
      OpenLoop load,
      List<List<OpenLoop.Target>> sets,
      List<NodeProcess> nodes,
      int rate,
      int seconds,
      Buffer body)
      throws Exception {
    long started = System.nanoTime();
    for (int round = 0; round < (seconds < 5 ? 1 : LUKEWARM_ROUNDS); round++) {
      long jit = WarmUp.jitMillis(nodes);
      alternate(load, sets, rate, seconds, body);
      long compiled = WarmUp.jitMillis(nodes) - jit;
      System.err.println("bench: alternating, the nodes compiled " + compiled + " ms");
      if (compiled < LUKEWARM_SETTLED_MS * seconds * nodes.size()) {
        break;
      }
    }
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
  }

  /**
   * Compilation per node and second of its load under which a scenario's nodes and their twin count
   * as settled.
   */
  static final long LUKEWARM_SETTLED_MS = 5;

  static final int LUKEWARM_ROUNDS = 8;

  static long slice(int seconds) {
    return seconds < 5 ? 250 : SLICE_MS;
  }

  /**
   * Loads each set of paths in turn, a slice at a time, until each has had {@code seconds}; returns
   * each set's paths merged over its slices. Sets measured so meet the same moments of the machine,
   * near enough.
   */
  static List<List<OpenLoop.Target>> alternate(
      OpenLoop load, List<List<OpenLoop.Target>> sets, int rate, int seconds, Buffer body)
      throws Exception {
    long slice = slice(seconds);
    List<List<OpenLoop.Target>> merged =
        sets.stream().map(set -> set.stream().map(OpenLoop.Target::fresh).toList()).toList();
    for (long loaded = 0; loaded < seconds * 1000L; loaded += slice) {
      for (int i = 0; i < sets.size(); i++) {
        List<OpenLoop.Target> run = Overhead.get(load.run(sets.get(i), rate, slice, body));
        for (int k = 0; k < run.size(); k++) {
          merged.get(i).get(k).append(run.get(k));
        }
      }
    }
    return merged;
  }
}
