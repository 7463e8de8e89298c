package dev.airbag.bench.jmh;

import dev.airbag.core.routing.Tier;
import dev.airbag.core.routing.TierPlan;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Resolving a request's model to its chain of tiers (primary, then the fallbacks in order). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouteBench {

  private TierPlan plan;

  @Setup
  public void setUp() {
    plan = new TierPlan(Fixtures.config("http://127.0.0.1:9"));
  }

  @Benchmark
  public List<Tier> resolveChain() {
    return plan.chainFor("bench-openai").orElseThrow();
  }
}
