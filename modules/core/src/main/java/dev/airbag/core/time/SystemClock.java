package dev.airbag.core.time;

/**
 * The real clock: the single place that reads {@code System.currentTimeMillis} and {@code
 * nanoTime}.
 */
public final class SystemClock implements Clock {

  public static final SystemClock INSTANCE = new SystemClock();

  private SystemClock() {}

  @Override
  public long nowMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
