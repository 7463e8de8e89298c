package dev.airbag.node.breaker;

import dev.airbag.core.breaker.BreakerState;

/**
 * What callers on any event loop may read of a deployment's breaker without a message: published by
 * the deployment's verticle after each change. Callers decide alone only the two answers that need
 * no bookkeeping: CLOSED (call) and OPEN before its open-until (skip). Everything else (the lazy
 * turn to HALF_OPEN, the probe, the ramp) is the verticle's to grant.
 *
 * @param retryAfterUntilMillis a provider's retry-after: no call before then, whatever the state
 * @param describe the breaker's state and reason in words, for the error a skipped call carries
 */
public record BreakerView(
    BreakerState state, long openUntilMillis, long retryAfterUntilMillis, String describe) {

  static final BreakerView INITIAL = new BreakerView(BreakerState.CLOSED, 0, 0, "CLOSED");

  /** The caller may call without asking. */
  public boolean callable(long nowMillis) {
    return state == BreakerState.CLOSED && nowMillis >= retryAfterUntilMillis;
  }

  /** The caller must skip the deployment without asking. */
  public boolean benched(long nowMillis) {
    return nowMillis < retryAfterUntilMillis
        || state == BreakerState.OPEN && nowMillis < openUntilMillis;
  }
}
