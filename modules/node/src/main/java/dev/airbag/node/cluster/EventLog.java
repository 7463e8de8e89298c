package dev.airbag.node.cluster;

import dev.airbag.core.time.Clock;
import dev.airbag.node.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.logging.Logger;

/**
 * The incident timeline, kept in the cluster so any node (one that just joined too) tells the same
 * story: breaker transitions as decided, members joining and leaving. Each event is written once
 * under a key every node would derive alike, so a change several nodes witness is still one event,
 * and expires after {@link #KEEP_MILLIS}.
 */
public final class EventLog {

  public static final long KEEP_MILLIS = 24 * 60 * 60 * 1000L;
  private static final Logger LOG = Logger.getLogger(EventLog.class.getName());

  private final Vertx vertx;
  private final Clock clock;

  public EventLog(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  /**
   * Stamps {@code event} with the time and records it under {@code key}, unless that key is there
   * already; never fails.
   */
  public void record(String key, JsonObject event) {
    event.put("at", clock.nowMillis());
    vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(Addresses.EVENT_MAP)
        .compose(map -> map.putIfAbsent(key, event, KEEP_MILLIS))
        .onFailure(
            e ->
                LOG.warning(
                    () -> "could not record " + key + " in the event log: " + e.getMessage()));
  }

  /** Every kept event, oldest first. */
  public Future<JsonArray> list() {
    return vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(Addresses.EVENT_MAP)
        .compose(map -> map.entries())
        .map(
            entries ->
                new JsonArray(
                    entries.values().stream()
                        .sorted(
                            Comparator.comparingLong((JsonObject e) -> e.getLong("at"))
                                .thenComparing(e -> e.getString("type")))
                        .map(e -> (Object) e)
                        .toList()));
  }
}
