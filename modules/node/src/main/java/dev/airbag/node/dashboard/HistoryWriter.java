package dev.airbag.node.dashboard;

import dev.airbag.core.breaker.BreakerState;
import dev.airbag.core.time.Clock;
import dev.airbag.node.breaker.BreakerBoard;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.telemetry.LatencyHistograms;
import dev.airbag.node.telemetry.MinuteCounters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.logging.Logger;
import org.HdrHistogram.Histogram;

/**
 * Keeps this node's share of the dashboard's history in the cluster: every {@value #FLUSH_MILLIS}
 * ms it takes what {@link MinuteCounters} counted, adds it to the minute under way, and writes that
 * minute to the clustered map {@value #MAP} under {@code <minute>/<node>}, where it stays {@link
 * #KEEP_MILLIS}. Any node, one that just joined too, draws the same 24 hours from the map.
 */
public final class HistoryWriter extends VerticleBase {

  public static final long FLUSH_MILLIS = 2_000;
  public static final long MINUTE_MILLIS = 60_000;
  static final long KEEP_MILLIS = 24 * 60 * MINUTE_MILLIS + 2 * MINUTE_MILLIS;
  private static final Logger LOG = Logger.getLogger(HistoryWriter.class.getName());

  private final MinuteCounters stats;
  private final BreakerBoard board;
  private final Clock clock;
  private final String node;

  /** The minute under way, as it will be written; its latency histograms apart, as they add up. */
  private long minute = -1;

  private JsonObject record;
  private Map<String, Histogram> latency;

  public HistoryWriter(MinuteCounters stats, BreakerBoard board, Clock clock, String node) {
    this.stats = stats;
    this.board = board;
    this.clock = clock;
    this.node = node;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(FLUSH_MILLIS, t -> flush());
    return Future.succeededFuture();
  }

  private void flush() {
    long now = clock.nowMillis();
    long current = now - Math.floorMod(now, MINUTE_MILLIS);
    if (current != minute) {
      minute = current;
      record =
          new JsonObject()
              .put("minute", minute)
              .put("node", node)
              .put("deployments", new JsonObject())
              .put("tiers", new JsonObject());
      latency = new java.util.HashMap<>();
    }
    JsonObject deployments = record.getJsonObject("deployments");
    stats
        .deployments()
        .forEach(
            (id, c) -> {
              JsonObject d = deployments.getJsonObject(id);
              if (d == null) {
                d =
                    new JsonObject()
                        .put("calls", 0L)
                        .put("failures", 0L)
                        .put("judged", 0L)
                        .put("judge_sum", 0.0)
                        .put("state", "CLOSED");
                deployments.put(id, d);
              }
              d.put("calls", d.getLong("calls") + c.calls.sumThenReset())
                  .put("failures", d.getLong("failures") + c.failures.sumThenReset())
                  .put("judged", d.getLong("judged") + c.judged.sumThenReset())
                  .put("judge_sum", d.getDouble("judge_sum") + c.judgeSum.sumThenReset());
              Histogram h = latency.computeIfAbsent(id, k -> LatencyHistograms.empty());
              h.add(c.micros.getIntervalHistogram());
              d.put("latency", LatencyHistograms.encode(h));
              // The minute's worst state: an OPEN that lasted a few seconds still shows on the
              // band.
              BreakerState seen = board.view(id).state();
              if (worse(seen, BreakerState.valueOf(d.getString("state")))) {
                d.put("state", seen.name());
              }
            });
    JsonObject tiers = record.getJsonObject("tiers");
    stats
        .takeTiers()
        .forEach(
            group -> {
              JsonObject into = tiers.getJsonObject(group.getKey(), new JsonObject());
              ((JsonObject) group.getValue())
                  .forEach(
                      t ->
                          into.put(
                              t.getKey(),
                              into.getLong(t.getKey(), 0L) + ((Number) t.getValue()).longValue()));
              tiers.put(group.getKey(), into);
            });
    JsonObject written = record.copy();
    vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(Addresses.HISTORY_MAP)
        .compose(map -> map.put(minute + "/" + node, written, KEEP_MILLIS))
        .onFailure(
            e ->
                LOG.warning(
                    () ->
                        "could not write this node's minute to the dashboard's history: "
                            + e.getMessage()));
  }

  private static boolean worse(BreakerState a, BreakerState b) {
    return rank(a) > rank(b);
  }

  /** The state of a {@link #rank}. */
  static BreakerState ofRank(int rank) {
    return rank == 0 ? BreakerState.CLOSED : rank == 1 ? BreakerState.HALF_OPEN : BreakerState.OPEN;
  }

  static int rank(BreakerState s) {
    return switch (s) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }
}
