package dev.airbag.core.breaker;

/**
 * What a rolling window holds: calls that count (client errors do not), failures among them, slow
 * calls, and judge scores. Immutable; sums by {@link #plus}.
 */
public record WindowCounts(long calls, long failures, long slow, long judged, double judgeSum) {

  public static final WindowCounts EMPTY = new WindowCounts(0, 0, 0, 0, 0);

  public WindowCounts plus(WindowCounts o) {
    return new WindowCounts(
        calls + o.calls,
        failures + o.failures,
        slow + o.slow,
        judged + o.judged,
        judgeSum + o.judgeSum);
  }

  public double errorRate() {
    return calls == 0 ? 0 : (double) failures / calls;
  }

  public double slowRate() {
    return calls == 0 ? 0 : (double) slow / calls;
  }

  /** The judge mean, or NaN with no scores. */
  public double judgeMean() {
    return judged == 0 ? Double.NaN : judgeSum / judged;
  }
}
