package dev.airbag.node;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The drill overrides in force on this node, by deployment. Each deployment's verticle is the only
 * writer of its entry; lanes read it on every call. An entry stays after its time (the drill's recovery
 * still needs to know it), but {@link #active} reads it as absent then.
 */
final class DrillBoard {

  private final Map<String, DrillOverride> overrides = new ConcurrentHashMap<>();

  /** The override on {@code deployment} at {@code nowMillis}, or null: a null check on the healthy path. */
  DrillOverride active(String deployment, long nowMillis) {
    DrillOverride o = overrides.get(deployment);
    return o != null && o.activeAt(nowMillis) ? o : null;
  }

  /** The latest override on {@code deployment}, in force or not (a drill's recovery follows its window), or null. */
  DrillOverride latest(String deployment) {
    return overrides.get(deployment);
  }

  /**
   * Whether {@code drill} is the id of this node's latest drill on some deployment: only requests that
   * present such an id are drill traffic, so a caller cannot opt out of judging by naming a drill.
   */
  boolean knows(String drill) {
    for (DrillOverride o : overrides.values()) {
      if (o.drill().equals(drill)) {
        return true;
      }
    }
    return false;
  }

  void put(DrillOverride override) {
    overrides.put(override.deployment(), override);
  }
}
