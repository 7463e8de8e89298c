package dev.airbag.node.drill;

import io.vertx.core.json.JsonObject;

/**
 * A drill's deliberate breakage of one deployment, in force on every node until {@code untilMillis}
 * (wall clock): each node ends it by its own clock, so it ends even when the node that started it
 * died.
 *
 * @param drill the drill's id; requests that present it in {@code x-airbag-drill} are its synthetic
 *     traffic
 * @param watchUntilMillis until when the nodes watch the model group's traffic for the drill (its
 *     window and recovery)
 * @param live whether every request to the model group counts for the drill, not only its own
 * @param seed what a quality drill's garbage is made from, so a drill's answers are the same every
 *     run
 */
public record DrillOverride(
    String drill,
    DrillKind kind,
    String deployment,
    String modelGroup,
    long untilMillis,
    long watchUntilMillis,
    boolean live,
    long seed) {

  /** The key a failover drill presents: obviously not a key, so no provider accepts it. */
  public static final String BROKEN_KEY = "airbag-drill-broken-key";

  public boolean activeAt(long nowMillis) {
    return nowMillis < untilMillis;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("drill", drill)
        .put("kind", kind.name())
        .put("deployment", deployment)
        .put("model_group", modelGroup)
        .put("until", untilMillis)
        .put("watch_until", watchUntilMillis)
        .put("live", live)
        .put("seed", seed);
  }

  public static DrillOverride fromJson(JsonObject json) {
    return new DrillOverride(
        json.getString("drill"),
        DrillKind.valueOf(json.getString("kind")),
        json.getString("deployment"),
        json.getString("model_group"),
        json.getLong("until"),
        json.getLong("watch_until"),
        json.getBoolean("live"),
        json.getLong("seed"));
  }
}
