package dev.airbag.core.config;

import java.time.Duration;

/**
 * The quality-aware breaker's thresholds ({@code airbag.breaker}, overridable per deployment under
 * {@code model_list[].airbag.breaker}). Defaults follow the article Airbag answers: trip at a 2%
 * error rate or a judge mean below 0.70, cool down for 300 s.
 */
public record BreakerSettings(
    double errorRateThreshold,
    int minCalls,
    Duration window,
    Duration slowCallThreshold,
    double slowCallRateThreshold,
    double judgeThreshold,
    int minJudged,
    Duration judgeWindow,
    Duration cooldown) {

  public static final double DEFAULT_ERROR_RATE_THRESHOLD = 0.02;
  public static final int DEFAULT_MIN_CALLS = 20;
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);
  public static final Duration DEFAULT_SLOW_CALL_THRESHOLD = Duration.ofSeconds(10);
  public static final double DEFAULT_SLOW_CALL_RATE_THRESHOLD = 0.5;
  public static final double DEFAULT_JUDGE_THRESHOLD = 0.70;
  public static final int DEFAULT_MIN_JUDGED = 20;
  public static final Duration DEFAULT_JUDGE_WINDOW = Duration.ofHours(1);
  public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(300);

  public static final BreakerSettings DEFAULTS =
      new BreakerSettings(
          DEFAULT_ERROR_RATE_THRESHOLD,
          DEFAULT_MIN_CALLS,
          DEFAULT_WINDOW,
          DEFAULT_SLOW_CALL_THRESHOLD,
          DEFAULT_SLOW_CALL_RATE_THRESHOLD,
          DEFAULT_JUDGE_THRESHOLD,
          DEFAULT_MIN_JUDGED,
          DEFAULT_JUDGE_WINDOW,
          DEFAULT_COOLDOWN);
}
