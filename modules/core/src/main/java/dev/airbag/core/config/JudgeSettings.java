package dev.airbag.core.config;

import java.util.List;

/**
 * {@code airbag.judge}: which model groups may judge (the first of another provider than the judged one
 * is used), what fraction of responses is sampled, and the budget of judge calls.
 */
public record JudgeSettings(List<String> by, double sampleRate, int maxPerMinute) {

  public static final double DEFAULT_SAMPLE_RATE = 0.05;
  public static final int DEFAULT_MAX_PER_MINUTE = 600;
}
