package dev.airbag.bench.jmh;

import dev.airbag.core.breaker.Breaker;
import dev.airbag.core.breaker.BreakerPolicy;
import dev.airbag.core.breaker.Permit;
import dev.airbag.core.breaker.ProbeGate;
import dev.airbag.core.breaker.WindowCounts;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.core.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The breaker's work per call on the healthy path (a permit, then the call's record into the
 * rolling window) and per remote delta (another node's counts merged into the window). The clock
 * moves 1 ms per operation, so buckets roll as they do under load.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BreakerBench {

  /** A clock the benchmark moves. */
  static final class SteppingClock implements Clock {
    long millis = 1_800_000_000_000L;

    @Override
    public long nowMillis() {
      return millis;
    }

    @Override
    public long nanoTime() {
      return millis * 1_000_000L;
    }
  }

  private final SteppingClock clock = new SteppingClock();
  private final WindowCounts delta = new WindowCounts(12, 1, 0, 0, 0);
  private Breaker breaker;

  @Setup
  public void setUp() {
    Deployment d = Fixtures.config("http://127.0.0.1:9").deployments().get(0);
    breaker =
        new Breaker(
            d.id(),
            "node-a",
            BreakerPolicy.of(
                d.breaker(), Fixtures.config("http://127.0.0.1:9").router(), d.timeout()),
            clock,
            () -> 0.5,
            ProbeGate.ALONE,
            snapshot -> {});
  }

  @Benchmark
  public WindowCounts allowAndRecordSuccess() {
    clock.millis++;
    Permit permit = breaker.acquire();
    return breaker.record(permit, Outcome.SUCCESS, 3);
  }

  @Benchmark
  public Object mergeRemoteWindow() {
    clock.millis++;
    breaker.mergeRemote(clock.millis - 5, delta);
    return breaker.snapshot();
  }
}
