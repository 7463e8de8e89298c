package dev.airbag.node.bus;

/**
 * Who a provider call is for: what it may be checked, judged and (in a quality drill) degraded by.
 */
public enum RequestOrigin {
  /** A product's request: checked, and sampled for the judge. */
  USER,
  /**
   * A drill's synthetic request: never judged, except in a quality drill, where judging it is the
   * point.
   */
  DRILL,
  /** The judge's own call: neither checked nor judged itself. */
  JUDGE
}
