package dev.airbag.core.time;

/**
 * The only way Airbag code tells time, so windows, cooldowns and deadlines are tested by advancing
 * a fake clock instead of sleeping. {@link SystemClock} is the one class that reads the real
 * clocks.
 */
public interface Clock {

  /**
   * Wall-clock time in epoch milliseconds: comparable across cluster members (open-until, epochs).
   */
  long nowMillis();

  /** Monotonic nanoseconds for measuring durations on one node; meaningless across processes. */
  long nanoTime();
}
