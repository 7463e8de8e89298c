package dev.airbag.core.breaker;

import java.util.Locale;

/** Why a breaker opened; shown in {@code /admin/breakers}, metrics and the event timeline. */
public enum TripReason {
  ERROR_RATE,
  CONSECUTIVE_FAILURES,
  SLOW_CALLS,
  QUALITY,
  MANUAL,
  DRILL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
