package dev.airbag.core.breaker;

/** Where a deployment's breaker stands. The ramp back after a clean probe is part of HALF_OPEN. */
public enum BreakerState {
  CLOSED,
  OPEN,
  HALF_OPEN
}
