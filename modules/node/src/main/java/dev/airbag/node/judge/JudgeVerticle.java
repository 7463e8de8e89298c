package dev.airbag.node.judge;

import dev.airbag.core.chat.ChatMessage;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.Role;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.JudgeSettings;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.core.time.Clock;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.bus.JudgeSample;
import dev.airbag.node.bus.JudgeSamples;
import dev.airbag.node.bus.JudgeScore;
import dev.airbag.node.bus.JudgeScores;
import dev.airbag.node.bus.RequestOrigin;
import dev.airbag.node.bus.TimedBatch;
import dev.airbag.node.lane.LaneSource;
import dev.airbag.node.lane.ProviderLane;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * This node's judge: takes sampled answers, has a deployment of another provider score them against
 * a rubric, and gives each score to the judged deployment's breaker. Off the request path entirely,
 * and bounded: a queue with a cap, a few calls in flight, a budget of calls per minute; whatever
 * does not fit is dropped and counted. A judge that fails or talks nonsense is counted, never held
 * against the deployment it was judging.
 */
public final class JudgeVerticle extends VerticleBase {

  public static final int MAX_IN_FLIGHT = 4;
  static final Duration JUDGE_DEADLINE = Duration.ofSeconds(30);

  /** How long a deployment's scores are gathered before they go to its verticle in one message. */
  static final long SCORE_GATHER_MILLIS = 250;

  static final String RUBRIC =
      "You are grading an AI assistant's answer. Score how well the ANSWER addresses the "
          + "QUESTION, from 0 (empty, off topic, in another language than the question, or cut off) to 1 (complete "
          + "and on topic). Reply with only a JSON object: {\"score\": <number from 0 to 1>, \"reason\": \"<one line>\"}.";

  private final GatewayConfig config;
  private final JudgeSettings settings;
  private final Clock clock;
  private final LaneSource laneSource;
  private Map<String, ProviderLane> lanes;
  private final ArrayDeque<JudgeSample> queue = new ArrayDeque<>();

  /** Each judged deployment's scores, gathered before they go to its verticle. */
  private final Map<String, TimedBatch<JudgeScore>> scores = new HashMap<>();

  private int inFlight;
  private double budget;
  private long budgetCheckedAt;
  private long sampled;
  private long judged;
  private long droppedQueueFull;
  private long droppedBudget;
  private long unparseable;
  private long judgeFailed;

  public JudgeVerticle(GatewayConfig config, Clock clock, LaneSource laneSource) {
    this.config = config;
    this.settings = config.airbag().judge();
    this.clock = clock;
    this.laneSource = laneSource;
  }

  @Override
  public Future<?> start() {
    lanes = laneSource.open(vertx);
    budget = settings.maxPerMinute();
    budgetCheckedAt = clock.nowMillis();
    return Future.all(
        vertx
            .eventBus()
            .<JudgeSamples>localConsumer(
                Addresses.JUDGE, m -> m.body().samples().forEach(this::offer))
            .completion(),
        vertx.eventBus().localConsumer(Addresses.JUDGE_STATS, m -> m.reply(stats())).completion());
  }

  private JsonObject stats() {
    return new JsonObject()
        .put("sampled", sampled)
        .put("judged", judged)
        .put("queued", queue.size())
        .put("in_flight", inFlight)
        .put("dropped_queue_full", droppedQueueFull)
        .put("dropped_budget", droppedBudget)
        .put("unparseable", unparseable)
        .put("judge_failed", judgeFailed);
  }

  private void offer(JudgeSample sample) {
    sampled++;
    if (queue.size() >= settings.queueSize()) {
      droppedQueueFull++;
      laneSource.metrics().judgeDropped("queue_full");
      return;
    }
    queue.addLast(sample);
    drain();
  }

  private void drain() {
    while (inFlight < MAX_IN_FLIGHT && !queue.isEmpty()) {
      JudgeSample sample = queue.removeFirst();
      if (!spendBudget()) {
        droppedBudget++;
        laneSource.metrics().judgeDropped("budget");
        continue;
      }
      Optional<Deployment> judged = config.deployment(sample.deployment());
      Optional<Deployment> judge = judged.flatMap(config::judgeFor);
      if (judge.isEmpty()) {
        continue;
      }
      inFlight++;
      judge(sample, judge.get(), judged.get().breaker().judgeThreshold())
          .onComplete(
              ar -> {
                laneSource.metrics().judged(sample.deployment(), ar.result());
                inFlight--;
                drain();
              });
    }
  }

  /** A token bucket refilled continuously at max_per_minute. */
  private boolean spendBudget() {
    long now = clock.nowMillis();
    budget =
        Math.min(
            settings.maxPerMinute(),
            budget + (now - budgetCheckedAt) * settings.maxPerMinute() / 60_000.0);
    budgetCheckedAt = now;
    if (budget < 1) {
      return false;
    }
    budget--;
    return true;
  }

  /**
   * Has {@code judge} score one sample; never fails. The verdict: {@code pass} or {@code fail}
   * against the judged deployment's {@code threshold}, {@code unparseable}, or {@code
   * judge_failed}.
   */
  private Future<String> judge(JudgeSample sample, Deployment judge, double threshold) {
    ChatRequest rubric =
        new ChatRequest(
            judge.modelGroup(),
            List.of(
                new ChatMessage(Role.SYSTEM, RUBRIC),
                new ChatMessage(
                    Role.USER,
                    "QUESTION:\n" + sample.question() + "\n\nANSWER:\n" + sample.answer())),
            OptionalInt.of(200),
            OptionalDouble.of(0),
            OptionalDouble.empty(),
            List.of(),
            false,
            Optional.empty());
    long deadline = clock.nanoTime() + JUDGE_DEADLINE.toNanos();
    return lanes
        .get(judge.id())
        .call(rubric, deadline, RequestOrigin.JUDGE, Context.root())
        .map(
            reply -> {
              if (reply.outcome() != Outcome.SUCCESS) {
                judgeFailed++;
                return "judge_failed";
              }
              OptionalDouble score = parseVerdict(reply.response().orElseThrow().content());
              if (score.isEmpty()) {
                unparseable++;
                return "unparseable";
              }
              judged++;
              scoresOf(sample.deployment())
                  .add(new JudgeScore(score.getAsDouble(), sample.sampledAtMillis()));
              return score.getAsDouble() >= threshold ? "pass" : "fail";
            })
        .recover(
            e -> {
              judgeFailed++;
              return Future.succeededFuture("judge_failed");
            });
  }

  /** Where a deployment's scores gather before they go to its verticle. */
  private TimedBatch<JudgeScore> scoresOf(String deployment) {
    return scores.computeIfAbsent(
        deployment,
        d ->
            new TimedBatch<>(
                vertx,
                SCORE_GATHER_MILLIS,
                gathered ->
                    vertx.eventBus().send(Addresses.judgeScore(d), new JudgeScores(gathered))));
  }

  /**
   * Strict: the whole answer must be a JSON object with a numeric {@code score} in [0, 1] and a
   * string {@code reason}. Anything else is unparseable; a verdict is never guessed from free text.
   */
  public static OptionalDouble parseVerdict(String content) {
    try {
      JsonObject verdict = new JsonObject(content.trim());
      if (verdict.getValue("score") instanceof Number n
          && verdict.getValue("reason") instanceof String
          && n.doubleValue() >= 0
          && n.doubleValue() <= 1) {
        return OptionalDouble.of(n.doubleValue());
      }
    } catch (DecodeException | ClassCastException e) {
      // not a JSON object
    }
    return OptionalDouble.empty();
  }
}
