package dev.airbag.bench.overhead;

import dev.airbag.bench.OpenLoop;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The figures a report is made of: overhead per paired request at each percentile, a path's
 * summary, rounding.
 */
final class Figures {

  private Figures() {}

  static final double[] PERCENTILES = {50, 90, 99, 99.9};

  /**
   * What {@code airbag}'s requests took beyond their direct twins', at each percentile of those
   * pairs.
   */
  static JsonObject overhead(OpenLoop.Target airbag, OpenLoop.Target direct) {
    return atPercentiles(airbag.addedOver(direct));
  }

  /**
   * A stream's first token: when it came on each path, and what the node added to it, request by
   * request as {@link #overhead}: for a streamed answer the wait a user sees before anything
   * appears.
   */
  static JsonObject firstToken(OpenLoop.Target airbag, OpenLoop.Target direct) {
    JsonObject paths = new JsonObject();
    for (OpenLoop.Target t : List.of(direct, airbag)) {
      paths.put(
          t == direct ? "direct" : "airbag",
          new JsonObject()
              .put("p50_ms", round(t.firstMicrosAt(50) / 1000.0))
              .put("p99_ms", round(t.firstMicrosAt(99) / 1000.0)));
    }
    return new JsonObject()
        .put("paths", paths)
        .put("overhead_ms", atPercentiles(airbag.firstAddedOver(direct)));
  }

  /** Sorted microseconds at each of {@link #PERCENTILES}, in milliseconds. */
  static JsonObject atPercentiles(long[] added) {
    JsonObject overhead = new JsonObject();
    for (double p : PERCENTILES) {
      overhead.put(
          key(p),
          round(
              added.length == 0 ? 0 : added[(int) Math.ceil(p / 100 * added.length) - 1] / 1000.0));
    }
    return overhead;
  }

  static JsonObject summary(OpenLoop.Target t, int seconds) {
    JsonObject s =
        new JsonObject()
            .put("sent", t.sent)
            .put("ok", t.ok)
            .put("errors", t.errors)
            .put("unanswered", t.unanswered)
            .put("throughput_per_s", round((double) t.ok / seconds));
    for (double p : PERCENTILES) {
      s.put(key(p), round(ms(t.micros, p)));
    }
    return s;
  }

  static String key(double p) {
    return p == 99.9 ? "p99_9_ms" : "p" + (int) p + "_ms";
  }

  static double ms(Histogram h, double p) {
    return h.getValueAtPercentile(p) / 1000.0;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
