package dev.airbag.core.config;

import dev.airbag.core.time.CronSchedule;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The scheduled drill ({@code airbag.drills}): when it runs, cluster-wide exactly once each time,
 * and what it does. Without a schedule nothing runs by itself; drills still start by command.
 *
 * @param kind {@code failover} or {@code quality}
 * @param target the deployment to break; when empty, the first deployment whose model group has a
 *     fallback
 * @param sloP95Millis the p95 the drill's requests must stay within; the target's per-call timeout
 *     when empty
 */
public record DrillSettings(
    Optional<CronSchedule> schedule,
    String kind,
    Optional<String> target,
    Duration duration,
    double rate,
    OptionalLong sloP95Millis) {

  public static final Duration DEFAULT_DURATION = Duration.ofMinutes(2);
  public static final double DEFAULT_RATE = 20;
  public static final double MAX_RATE = 500;
  public static final DrillSettings NONE =
      new DrillSettings(
          Optional.empty(),
          "failover",
          Optional.empty(),
          DEFAULT_DURATION,
          DEFAULT_RATE,
          OptionalLong.empty());
}
