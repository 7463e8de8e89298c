package dev.airbag.core.breaker;

import java.util.Optional;

/**
 * A breaker as others may see it: immutable, safe to publish.
 *
 * @param epoch grows with every transition; across the cluster the newest epoch wins
 * @param openUntilMillis when OPEN ends (epoch millis); 0 when not OPEN
 * @param rampFraction share of traffic admitted in HALF_OPEN after a clean probe; 0 while probing, 1 when CLOSED
 */
public record BreakerSnapshot(
    String deployment, BreakerState state, Optional<TripReason> reason, long epoch, long openUntilMillis,
    double rampFraction, int reopenings, WindowCounts window, WindowCounts judgeWindow) {}
