package dev.airbag.core.breaker;

import java.util.Optional;

/**
 * A breaker as others may see it: immutable, safe to publish.
 *
 * @param epoch grows with every transition; across the cluster the newest epoch wins
 * @param decidedBy the node whose transition this is; breaks ties between equal epochs
 * @param detail for a quality trip, what dominated it: the name of a failed answer check, or {@code
 *     judge}
 * @param openUntilMillis when OPEN ends (epoch millis); 0 when not OPEN
 * @param rampFraction share of traffic admitted in HALF_OPEN after a clean probe; 0 while probing,
 *     1 when CLOSED
 */
public record BreakerSnapshot(
    String deployment,
    BreakerState state,
    Optional<TripReason> reason,
    Optional<String> detail,
    long epoch,
    String decidedBy,
    long openUntilMillis,
    double rampFraction,
    int reopenings,
    WindowCounts window,
    WindowCounts judgeWindow) {

  /**
   * Whether this decision supersedes {@code other}'s: a higher epoch, or the same from a greater
   * node id.
   */
  public boolean newerThan(long otherEpoch, String otherDecidedBy) {
    return epoch > otherEpoch || epoch == otherEpoch && decidedBy.compareTo(otherDecidedBy) > 0;
  }
}
