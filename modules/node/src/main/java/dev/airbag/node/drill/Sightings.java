package dev.airbag.node.drill;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the nodes saw of a drill, as the cluster kept it: the first failed call to the target, and
 * when each node's breaker for it opened.
 *
 * @param openedAt by node id, when that node's breaker for the target read OPEN
 */
public record Sightings(Optional<FirstFailure> firstFailure, Map<String, Long> openedAt) {

  /** The first call to the target that failed during the drill, on whichever node made it. */
  public record FirstFailure(String node, long at, long latencyMillis, String outcome) {

    JsonObject toJson() {
      return new JsonObject()
          .put("node", node)
          .put("at", at)
          .put("latency_ms", latencyMillis)
          .put("outcome", outcome);
    }

    static FirstFailure fromJson(JsonObject j) {
      return new FirstFailure(
          j.getString("node"), j.getLong("at"), j.getLong("latency_ms"), j.getString("outcome"));
    }
  }

  static final String FIRST_FAILURE = "first_failure";
  static final String OPENED = "opened/";

  /** Reads the sightings from the cluster map's entries of one drill, keyed by what was seen. */
  static Sightings of(Map<String, JsonObject> seen) {
    Map<String, Long> opened = new TreeMap<>();
    seen.forEach(
        (what, json) -> {
          if (what.startsWith(OPENED)) {
            opened.put(what.substring(OPENED.length()), json.getLong("at"));
          }
        });
    return new Sightings(
        Optional.ofNullable(seen.get(FIRST_FAILURE)).map(FirstFailure::fromJson), opened);
  }
}
