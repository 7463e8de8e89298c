package dev.airbag.core.breaker;

import dev.airbag.core.config.BreakerSettings;
import dev.airbag.core.config.RouterSettings;
import java.time.Duration;
import java.util.List;

/**
 * Everything one breaker decides by: the configured thresholds, LiteLLM's {@code allowed_fails} /
 * {@code cooldown_time} as the consecutive-failure signal, and the recovery shape.
 *
 * @param consecutiveCooldown how long a consecutive-failure trip benches (LiteLLM's {@code
 *     cooldown_time})
 * @param rampSteps traffic shares admitted after a clean probe, in order; then CLOSED
 * @param rampStepMinCalls clean calls a ramp step must see before the next
 * @param rampStepHold the least time a ramp step lasts, however busy
 * @param probeLease a probe whose result never came back frees the probe slot after this
 * @param maxBackoffFactor the cap on the cooldown's growth over successive bad probes
 * @param jitter cooldowns vary by up to this share either way, so nodes and deployments do not
 *     probe in step
 */
public record BreakerPolicy(
    BreakerSettings settings,
    int allowedFails,
    Duration consecutiveCooldown,
    List<Double> rampSteps,
    int rampStepMinCalls,
    Duration rampStepHold,
    Duration probeLease,
    int maxBackoffFactor,
    double jitter) {

  public static final List<Double> DEFAULT_RAMP_STEPS = List.of(0.10, 0.25, 0.50);
  public static final int DEFAULT_RAMP_STEP_MIN_CALLS = 5;
  public static final Duration DEFAULT_RAMP_STEP_HOLD = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_BACKOFF_FACTOR = 8;
  public static final double DEFAULT_JITTER = 0.10;

  /** Failures count toward allowed_fails only within this span, as in LiteLLM. */
  public static final Duration CONSECUTIVE_SPAN = Duration.ofMinutes(1);

  public BreakerPolicy {
    if (rampSteps.isEmpty() || rampSteps.stream().anyMatch(s -> s <= 0 || s >= 1)) {
      throw new IllegalArgumentException("ramp steps must be shares strictly between 0 and 1");
    }
    rampSteps = List.copyOf(rampSteps);
  }

  /**
   * The policy for a deployment with these settings, its router settings and its per-call timeout.
   */
  public static BreakerPolicy of(
      BreakerSettings settings, RouterSettings router, Duration callTimeout) {
    return new BreakerPolicy(
        settings,
        router.allowedFails(),
        router.cooldownTime(),
        DEFAULT_RAMP_STEPS,
        DEFAULT_RAMP_STEP_MIN_CALLS,
        DEFAULT_RAMP_STEP_HOLD,
        callTimeout.plusSeconds(5),
        DEFAULT_MAX_BACKOFF_FACTOR,
        DEFAULT_JITTER);
  }
}
