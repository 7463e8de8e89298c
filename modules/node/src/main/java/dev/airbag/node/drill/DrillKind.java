package dev.airbag.node.drill;

import java.util.Locale;

/** What a drill breaks on its target, on every node, for its window. */
public enum DrillKind {
  /** Every call to the target presents a broken key, so its provider really answers 401. */
  FAILOVER,
  /**
   * The target's answers to the drill's own requests are garbled before anyone sees them: only the
   * judge can tell.
   */
  QUALITY;

  /** The kind as operators write it: {@code failover}, {@code quality}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
