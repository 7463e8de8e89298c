package dev.airbag.bench.overhead;

import dev.airbag.simulator.Simulator;
import java.util.function.Function;

/**
 * One scenario.
 *
 * @param primaryBase the primary's {@code api_base}, given the simulators
 * @param direct the simulator that really answers, which the direct path calls
 * @param twin what else runs beside this scenario's node, loaded alternately with it slice by slice
 *     as the baseline of its target, so both meet the same moments of the machine; null for nothing
 */
record Scenario(
    String key,
    String title,
    int nodes,
    int rateDivisor,
    boolean stream,
    String timeout,
    boolean breakerHeldClosed,
    double judgeRate,
    Function<Sims, String> primaryBase,
    Function<Sims, Simulator> direct,
    Setup setup,
    TwinKind twin) {

  Scenario(
      String key,
      String title,
      int nodes,
      int rateDivisor,
      boolean stream,
      String timeout,
      boolean breakerHeldClosed,
      double judgeRate,
      Function<Sims, String> primaryBase,
      Function<Sims, Simulator> direct,
      Setup setup) {
    this(
        key,
        title,
        nodes,
        rateDivisor,
        stream,
        timeout,
        breakerHeldClosed,
        judgeRate,
        primaryBase,
        direct,
        setup,
        null);
  }
}
