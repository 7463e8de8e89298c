package dev.airbag.core.time;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock tests move by hand; thread-safe so a test thread may advance it while event loops read
 * it.
 */
public final class FakeClock implements Clock {

  private final AtomicLong nanos = new AtomicLong();
  private final long epochOffsetMillis;

  public FakeClock() {
    this(1_790_000_000_000L);
  }

  public FakeClock(long startEpochMillis) {
    this.epochOffsetMillis = startEpochMillis;
  }

  @Override
  public long nowMillis() {
    return epochOffsetMillis + nanos.get() / 1_000_000;
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  public void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }
}
