package dev.airbag.bench;

import java.util.Arrays;

/** Entry point of the benchmarks jar: {@code propagation}, {@code judge-cost} or {@code overhead}. */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    String what = args.length == 0 ? "" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (what) {
      case "propagation" -> TripPropagation.main(rest);
      case "judge-cost" -> JudgeCost.main(rest);
      case "overhead" -> Overhead.main(rest);
      default -> {
        System.err.println("usage: bench propagation [iterations] [out-dir] | judge-cost [requests] [out-dir]"
            + " | overhead [req/s per path] [seconds] [out-dir]");
        System.exit(2);
      }
    }
  }
}
