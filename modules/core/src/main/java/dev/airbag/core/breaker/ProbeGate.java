package dev.airbag.core.breaker;

/**
 * Decides whether this node may send HALF_OPEN's probe. Alone, it always may; in a cluster exactly
 * one node may per cooldown, and the gate answers from a claim it makes on the cluster
 * (asynchronously: "not yet" until the claim is won, which the breaker treats as "not this call").
 */
@FunctionalInterface
public interface ProbeGate {

  /** A node without peers: its probe is the cluster's probe. */
  ProbeGate ALONE = cycle -> true;

  /**
   * @param cycle identifies this cooldown's probe: the same on every node (the adopted open-until),
   *     new with each opening
   */
  boolean mayProbe(long cycle);
}
