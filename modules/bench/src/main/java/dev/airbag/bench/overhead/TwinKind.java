package dev.airbag.bench.overhead;

/** A scenario's twin: what it is, and the report's key for its figures. */
enum TwinKind {
  /** A node of the healthy scenario: the judge's baseline. */
  HEALTHY("healthy_twin", "a healthy twin node"),
  /**
   * A {@link BareProxy}: the floor any Vert.x gateway on this machine stands on, beside the healthy
   * node.
   */
  BARE("bare_twin", "a bare Vert.x proxy (BareProxy)");

  final String key;
  final String description;

  TwinKind(String key, String description) {
    this.key = key;
    this.description = description;
  }
}
