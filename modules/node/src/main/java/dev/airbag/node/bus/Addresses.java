package dev.airbag.node.bus;

import java.util.List;

/** Every event-bus address Airbag uses, in one place. */
public final class Addresses {

  /** Chat requests from event-bus clients: the OpenAI request JSON in, the response JSON back. */
  public static final String CHAT = "airbag.chat";

  /** This node's judge: {@link JudgeSample}s in, sent without waiting. Local. */
  public static final String JUDGE = "airbag.judge";

  /** This node's judge's counters, for operators. Local. */
  public static final String JUDGE_STATS = "airbag.judge.stats";

  private static final String PROVIDER_PREFIX = "airbag.provider.";
  private static final String JUDGE_SCORE_PREFIX = "airbag.judge-score.";
  private static final String PROVIDER_RECORD_PREFIX = "airbag.provider-record.";
  private static final String PROVIDER_SUCCESSES_PREFIX = "airbag.provider-successes.";
  private static final String ANSWER_FLAGGED_PREFIX = "airbag.answer-flagged.";
  private static final String BREAKER_ADMIN_PREFIX = "airbag.breaker-admin.";
  private static final String BREAKER_PREFIX = "airbag.breaker.";
  private static final String METRICS_PREFIX = "airbag.metrics.";

  /** The clustered map of every breaker's latest decision, read by a node as it joins. */
  public static final String BREAKER_MAP = "airbag.breakers";

  /**
   * The clustered map where nodes claim a cooldown's one probe; entries expire with the probe's
   * lease.
   */
  public static final String PROBE_MAP = "airbag.probes";

  /** The clustered map of drill overrides in force, by deployment, read by a node as it joins. */
  public static final String DRILL_OVERRIDE_MAP = "airbag.drill-overrides";

  /**
   * The clustered map of the incident timeline's events, each under a key every witness derives
   * alike.
   */
  public static final String EVENT_MAP = "airbag.events";

  /**
   * The clustered map of the dashboard's history: each node's minute under {@code <minute>/<node>}.
   */
  public static final String HISTORY_MAP = "airbag.history";

  /**
   * The clustered map of what each node saw of a drill (its breaker opening, the first failed
   * call).
   */
  public static final String DRILL_SIGHTING_MAP = "airbag.drill-sightings";

  /** The clustered map where nodes claim a scheduled drill's time; the first claim runs it. */
  public static final String DRILL_SCHEDULE_MAP = "airbag.drill-schedule";

  /** The clustered map of drill reports, by drill id. */
  public static final String DRILL_MAP = "airbag.drills";

  /** This node's drill runner: starts a drill and replies with its first report. Local. */
  public static final String DRILL_START = "airbag.drill.start";

  /**
   * Clustered: a finished drill asks every node for its watch of the drill's traffic; replies go to
   * the address it names.
   */
  public static final String DRILL_COLLECT = "airbag.drill.collect";

  private static final String DRILL_PREFIX = "airbag.drill.override.";

  /** Every clustered map Airbag keeps, for Hazelcast's figures in {@code /metrics}. */
  public static final List<String> MAPS =
      List.of(
          BREAKER_MAP,
          PROBE_MAP,
          EVENT_MAP,
          HISTORY_MAP,
          DRILL_OVERRIDE_MAP,
          DRILL_MAP,
          DRILL_SIGHTING_MAP,
          DRILL_SCHEDULE_MAP);

  private Addresses() {}

  /**
   * Where every node's figures of {@code drill}'s traffic come back to the node that asked on
   * {@link #DRILL_COLLECT}.
   */
  public static String drillCollectReplies(String drill) {
    return DRILL_COLLECT + "." + drill;
  }

  /**
   * Clustered: a drill's override of one deployment is published here to every node at its start.
   */
  public static String drill(String deploymentId) {
    return DRILL_PREFIX + deploymentId;
  }

  /**
   * This node's provider verticle for one deployment: asked for a permit (HALF_OPEN, or OPEN whose
   * time is up), it answers with a {@code Permit}. Always a local consumer.
   */
  public static String provider(String deploymentId) {
    return PROVIDER_PREFIX + deploymentId;
  }

  /** Clustered: every node publishes its breaker decisions for a deployment here, at once. */
  public static String breaker(String deploymentId) {
    return BREAKER_PREFIX + deploymentId;
  }

  /**
   * Clustered: every node publishes its window deltas for a deployment here, every few hundred ms.
   */
  public static String metrics(String deploymentId) {
    return METRICS_PREFIX + deploymentId;
  }

  /** A deployment's verticle on this node takes judge scores for its breaker here. Local. */
  public static String judgeScore(String deploymentId) {
    return JUDGE_SCORE_PREFIX + deploymentId;
  }

  /**
   * A deployment's verticle on this node takes the {@link CallRecord} of every call made to it
   * here. Local.
   */
  public static String providerRecord(String deploymentId) {
    return PROVIDER_RECORD_PREFIX + deploymentId;
  }

  /** Where event loops send the successes they gathered ({@link SuccessBatch}), node-local. */
  public static String providerSuccesses(String deploymentId) {
    return PROVIDER_SUCCESSES_PREFIX + deploymentId;
  }

  /**
   * A deployment's verticle on this node takes its answers' failed cheap checks ({@link
   * AnswerFlagged}) here. Local.
   */
  public static String answerFlagged(String deploymentId) {
    return ANSWER_FLAGGED_PREFIX + deploymentId;
  }

  /**
   * This node's breaker of one deployment, for operators: {@link BreakerCommand} in, snapshot out.
   * Local.
   */
  public static String breakerAdmin(String deploymentId) {
    return BREAKER_ADMIN_PREFIX + deploymentId;
  }
}
