package dev.airbag.core.breaker;

import dev.airbag.core.time.Clock;
import java.time.Duration;

/**
 * Counts over the last {@code window}, kept in a ring of time buckets so old data falls out without
 * a timer. Deltas may be added for any time inside the window (a peer's bucket that arrived late),
 * which is what lets nodes merge each other's windows. Not thread-safe: one owner.
 */
public final class RollingWindow {

  private final long bucketMillis;
  private final Clock clock;
  private final long[] bucketIndex;
  private final WindowCounts[] buckets;

  public RollingWindow(Duration window, int bucketCount, Clock clock) {
    if (bucketCount < 1 || window.toMillis() < bucketCount) {
      throw new IllegalArgumentException("a window needs at least one bucket of at least 1 ms");
    }
    this.bucketMillis = window.toMillis() / bucketCount;
    this.clock = clock;
    this.bucketIndex = new long[bucketCount];
    this.buckets = new WindowCounts[bucketCount];
    java.util.Arrays.fill(bucketIndex, Long.MIN_VALUE);
    java.util.Arrays.fill(buckets, WindowCounts.EMPTY);
  }

  public void add(WindowCounts delta) {
    addAt(clock.nowMillis(), delta);
  }

  /** Adds counts observed at a given time; ignored when that time is already outside the window. */
  public void addAt(long epochMillis, WindowCounts delta) {
    long index = epochMillis / bucketMillis;
    long current = clock.nowMillis() / bucketMillis;
    if (index <= current - buckets.length || index > current) {
      return;
    }
    int slot = (int) Math.floorMod(index, (long) buckets.length);
    if (bucketIndex[slot] != index) {
      bucketIndex[slot] = index;
      buckets[slot] = WindowCounts.EMPTY;
    }
    buckets[slot] = buckets[slot].plus(delta);
  }

  /**
   * The window's sum; one object, not one per bucket: the breaker asks on every call it records.
   */
  public WindowCounts total() {
    long current = clock.nowMillis() / bucketMillis;
    long calls = 0;
    long failures = 0;
    long slow = 0;
    long judged = 0;
    double judgeSum = 0;
    for (int i = 0; i < buckets.length; i++) {
      if (bucketIndex[i] > current - buckets.length && bucketIndex[i] <= current) {
        WindowCounts b = buckets[i];
        calls += b.calls();
        failures += b.failures();
        slow += b.slow();
        judged += b.judged();
        judgeSum += b.judgeSum();
      }
    }
    return new WindowCounts(calls, failures, slow, judged, judgeSum);
  }

  public void clear() {
    java.util.Arrays.fill(bucketIndex, Long.MIN_VALUE);
    java.util.Arrays.fill(buckets, WindowCounts.EMPTY);
  }
}
