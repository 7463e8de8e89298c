package dev.airbag.core.config;

import java.util.List;

/**
 * {@code airbag.judge}: which model groups may judge (the first of another provider than the judged
 * one is used), what fraction of responses is sampled, and the bounds on judging.
 *
 * @param queueSize samples waiting for a judge beyond this are dropped (and counted)
 */
public record JudgeSettings(List<String> by, double sampleRate, int maxPerMinute, int queueSize) {

  public static final double DEFAULT_SAMPLE_RATE = 0.05;
  public static final int DEFAULT_MAX_PER_MINUTE = 600;
  public static final int DEFAULT_QUEUE_SIZE = 1000;

  public static final JudgeSettings OFF =
      new JudgeSettings(List.of(), DEFAULT_SAMPLE_RATE, DEFAULT_MAX_PER_MINUTE, DEFAULT_QUEUE_SIZE);
}
