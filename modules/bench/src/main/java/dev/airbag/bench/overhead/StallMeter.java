package dev.airbag.bench.overhead;

import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * How long this JVM and the machine under it fail to run a thread that asks to wake every
 * millisecond (after jHiccup): garbage collection, safepoints, and a CPU taken by the other
 * processes on it. A stall here delays both paths of a run alike; the report shows it so the tail
 * of both can be read.
 */
final class StallMeter implements AutoCloseable {

  private static final long PERIOD_NANOS = 1_000_000;
  private final Recorder recorder = new Recorder(3);
  private final Thread thread;
  private volatile boolean running = true;

  private StallMeter() {
    thread = new Thread(this::run, "hiccup-meter");
    thread.setDaemon(true);
  }

  /** Starts measuring now. */
  static StallMeter start() {
    StallMeter h = new StallMeter();
    h.thread.start();
    return h;
  }

  private void run() {
    while (running) {
      long start = System.nanoTime();
      LockSupport.parkNanos(PERIOD_NANOS);
      recorder.recordValue(Math.max(0, System.nanoTime() - start - PERIOD_NANOS) / 1_000);
    }
  }

  /** Stops measuring; the stalls seen, in microseconds beyond the expected wake-up. */
  Histogram stop() {
    close();
    return recorder.getIntervalHistogram();
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
