package dev.airbag.node.drill;

import dev.airbag.node.bus.Addresses;
import dev.airbag.node.cluster.EventLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * What each node saw of a drill, kept in the cluster for the node that runs it: when its breaker
 * for the target opened, and the first failed call. Each sighting is written once (the first wins)
 * and expires with the event log's retention.
 */
public final class DrillSightings {

  private static final Logger LOG = Logger.getLogger(DrillSightings.class.getName());

  private final Vertx vertx;

  public DrillSightings(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The first failed call to {@code drill}'s target, unless one is there already; never fails. */
  public void firstFailure(String drill, Sightings.FirstFailure failure) {
    record(drill, Sightings.FIRST_FAILURE, failure.toJson());
  }

  /** {@code node}'s breaker for {@code drill}'s target read OPEN at {@code atMillis}, and why. */
  public void opened(String drill, String node, long atMillis, String reason, String detail) {
    record(
        drill,
        Sightings.OPENED + node,
        new JsonObject()
            .put("node", node)
            .put("at", atMillis)
            .put("reason", reason)
            .put("detail", detail));
  }

  private void record(String drill, String what, JsonObject sighting) {
    vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(Addresses.DRILL_SIGHTING_MAP)
        .compose(map -> map.putIfAbsent(drill + "/" + what, sighting, EventLog.KEEP_MILLIS))
        .onFailure(
            e ->
                LOG.warning(
                    () ->
                        "could not record " + what + " of drill " + drill + ": " + e.getMessage()));
  }

  /** Every sighting of {@code drill}. */
  Future<Sightings> of(String drill) {
    String prefix = drill + "/";
    return vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(Addresses.DRILL_SIGHTING_MAP)
        .compose(map -> map.entries())
        .map(
            all ->
                all.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(prefix))
                    .collect(
                        Collectors.toMap(
                            e -> e.getKey().substring(prefix.length()), Map.Entry::getValue)))
        .map(Sightings::of);
  }
}
