package dev.airbag.node.telemetry;

import dev.airbag.core.time.SystemClock;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * How late an event loop runs a timer it asked for every {@value #PERIOD_MILLIS} ms. Every request
 * on a loop waits out whatever holds it (a collection, a blocking call, the machine taking the CPU
 * away), so this is the floor under that loop's latency at that moment. The system clock, not the
 * node's: it measures the machine.
 */
public final class EventLoopDelay {

  static final long PERIOD_MILLIS = 20;

  private EventLoopDelay() {}

  /**
   * Starts measuring the calling context's event loop into {@code delays}; the timer ends with the
   * verticle.
   */
  public static long watch(Vertx vertx, Timer delays) {
    long[] last = {SystemClock.INSTANCE.nanoTime()};
    return vertx.setPeriodic(
        PERIOD_MILLIS,
        id -> {
          long now = SystemClock.INSTANCE.nanoTime();
          delays.record(
              Math.max(0, now - last[0] - TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS)),
              TimeUnit.NANOSECONDS);
          last[0] = now;
        });
  }
}
