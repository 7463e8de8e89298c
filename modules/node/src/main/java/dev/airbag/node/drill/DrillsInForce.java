package dev.airbag.node.drill;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The drill overrides in force on this node, by deployment, and the tallies of their traffic. Each
 * deployment's verticle is the only writer of its entry; lanes read it on every call. An entry
 * stays after its time (the drill's recovery still needs to know it), but {@link #active} reads it
 * as absent then.
 */
public final class DrillsInForce {

  private final Map<String, DrillOverride> overrides = new ConcurrentHashMap<>();

  /** By model group: the latest drill's tally of its traffic. */
  private final Map<String, DrillTally> tallies = new ConcurrentHashMap<>();

  /**
   * The override on {@code deployment} at {@code nowMillis}, or null: a null check on the healthy
   * path.
   */
  public DrillOverride active(String deployment, long nowMillis) {
    DrillOverride o = overrides.get(deployment);
    return o != null && o.activeAt(nowMillis) ? o : null;
  }

  /**
   * The latest override on {@code deployment}, in force or not (a drill's recovery follows its
   * window), or null.
   */
  public DrillOverride latest(String deployment) {
    return overrides.get(deployment);
  }

  /**
   * Whether {@code drill} is the id of this node's latest drill on some deployment: only requests
   * that present such an id are drill traffic, so a caller cannot opt out of judging by naming a
   * drill.
   */
  public boolean knows(String drill) {
    for (DrillOverride o : overrides.values()) {
      if (o.drill().equals(drill)) {
        return true;
      }
    }
    return false;
  }

  /** The tally of {@code modelGroup}'s traffic while a drill wants it, or null. */
  public DrillTally tallying(String modelGroup, long nowMillis) {
    DrillTally w = tallies.get(modelGroup);
    return w != null && nowMillis < w.drill().watchUntilMillis() ? w : null;
  }

  /** This node's tally of {@code drill}, or null when it never heard of it. */
  DrillTally tally(String drill) {
    for (DrillTally w : tallies.values()) {
      if (w.drill().drill().equals(drill)) {
        return w;
      }
    }
    return null;
  }

  /**
   * Takes a drill's override in, and starts a tally of its traffic unless this drill is known
   * already.
   */
  public void put(DrillOverride override) {
    DrillOverride before = overrides.put(override.deployment(), override);
    if (before == null || !before.drill().equals(override.drill())) {
      tallies.put(override.modelGroup(), new DrillTally(override));
    }
  }
}
