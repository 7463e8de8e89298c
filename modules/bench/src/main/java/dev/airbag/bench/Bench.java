package dev.airbag.bench;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of the benchmarks jar: {@code propagation}, {@code overhead}, {@code chaos} or {@code
 * jmh} (JMH's own options).
 */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    String what = args.length == 0 ? "" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (what) {
      case "propagation" -> TripPropagation.main(rest);
      case "overhead" -> dev.airbag.bench.overhead.Overhead.main(rest);
      case "chaos" -> Chaos.main(rest);
      case "jmh" -> {
        JmhRunner.main(Path.of(System.getProperty("airbag.bench.out", "bench-results")), rest);
        System.exit(0);
      }
      default -> {
        System.err.println(
            "usage: bench propagation [iterations] [out-dir] | overhead [req/s per path] [seconds per scenario] [out-dir]"
                + " | chaos [req/s] [seconds] [out-dir] | jmh [JMH options] (writes to -Dairbag.bench.out, default bench-results)");
        System.exit(2);
      }
    }
  }
}
