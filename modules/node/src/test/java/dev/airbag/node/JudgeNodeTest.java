package dev.airbag.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.airbag.node.judge.JudgeVerticle;
import dev.airbag.simulator.Fault;
import dev.airbag.simulator.Relevance;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The judge on one node: sampling, scoring by another provider, the quality trip, and its bounds.
 */
class JudgeNodeTest extends NodeTestBase {

  private static final String CONFIG =
      """
      model_list:
        - model_name: primary
          litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: os.environ/ANTHROPIC_API_KEY, api_base: os.environ/P_BASE}
        - model_name: secondary
          litellm_params: {model: openai/gpt-4.1, api_key: os.environ/OPENAI_API_KEY, api_base: os.environ/S_BASE, timeout: 30}
        - model_name: tertiary
          litellm_params: {model: gemini/gemini-2.5-pro, api_key: os.environ/GEMINI_API_KEY, api_base: os.environ/T_BASE}
      router_settings:
        fallbacks: [{primary: [secondary]}]
        allowed_fails: 1000
      airbag:
        judge: {by: [secondary, tertiary], sample_rate: 1.0, queue_size: %d, max_per_minute: %d}
        breaker: {min_judged: 10, judge_threshold: 0.85, min_calls: 1000}
      """;
  private static final String QUESTION =
      "Heavy snowfall closed the mountain railway between the two valley towns for three days.";

  private static HttpResponse<String> ask() throws Exception {
    HttpResponse<String> r = gw.chat("primary", QUESTION, false);
    assertThat(r.statusCode()).isEqualTo(200);
    return r;
  }

  private static String content(HttpResponse<String> r) {
    return new JsonObject(r.body())
        .getJsonArray("choices")
        .getJsonObject(0)
        .getJsonObject("message")
        .getString("content");
  }

  private static JsonObject primaryBreaker() throws Exception {
    return new JsonObject(gw.get("/admin/breakers").body())
        .getJsonArray("breakers")
        .getJsonObject(0);
  }

  private static JsonObject judgeStats() throws Exception {
    return new JsonObject(gw.get("/admin/judge").body());
  }

  @Test
  void aBrownoutOfGarbageAtNormalLatencyTripsTheQualityBreakerAndTrafficMovesOn() throws Exception {
    gw.startNode(gw.yamlConfig(CONFIG.formatted(1000, 6000)));
    gw.primary.fault(Fault.of(Fault.Mode.STUPID).withFraction(0.3));
    int sent = 0;
    int garbageToUsers = 0;
    while (sent < 200 && primaryBreaker().getString("state").equals("CLOSED")) {
      HttpResponse<String> r = ask();
      sent++;
      if (r.headers().firstValue("x-airbag-tier").orElseThrow().equals("primary")
          && Relevance.score(QUESTION, content(r)) < 0.5) {
        garbageToUsers++;
      }
    }
    JsonObject breaker = primaryBreaker();
    System.out.printf(
        "brownout: quality trip after %d requests, %d garbage answers reached users, judge mean %.2f over %d%n",
        sent,
        garbageToUsers,
        breaker.getJsonObject("judge").getDouble("mean"),
        breaker.getJsonObject("judge").getLong("judged"));
    assertThat(breaker.getString("state")).isEqualTo("OPEN");
    assertThat(breaker.getString("reason")).isEqualTo("quality");
    assertThat(garbageToUsers).as("garbage served before the trip").isPositive().isLessThan(sent);

    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = ask();
      assertThat(r.headers().firstValue("x-airbag-tier")).hasValue("secondary");
      assertThat(Relevance.score(QUESTION, content(r))).isGreaterThan(0.9);
    }

    // Healthy again: after the cooldown one probe goes out, and only its good score starts the
    // ramp.
    gw.primary.fault(Fault.HEALTHY);
    gw.clock.advance(Duration.ofSeconds(300));
    assertThat(ask().headers().firstValue("x-airbag-tier")).as("the probe").hasValue("primary");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonObject recovering = primaryBreaker();
              assertThat(recovering.getString("state")).isEqualTo("HALF_OPEN");
              assertThat(recovering.getDouble("ramp_fraction")).isEqualTo(0.1);
            });
  }

  @Test
  void aJudgeThatIsDownNeverTripsTheJudgedDeploymentAndIsCounted() throws Exception {
    gw.startNode(gw.yamlConfig(CONFIG.formatted(1000, 6000)));
    // Off-topic answers pass every cheap check: only a judge could catch them, and the judge is
    // down.
    gw.primary.fault(
        Fault.of(Fault.Mode.STUPID).withGarbage(java.util.List.of(Fault.Garbage.OFF_TOPIC)));
    gw.secondary.fault(Fault.error(503));
    for (int i = 0; i < 15; i++) {
      ask();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(judgeStats().getLong("judge_failed")).isEqualTo(15));
    assertThat(primaryBreaker().getString("state")).isEqualTo("CLOSED");
    assertThat(primaryBreaker().getJsonObject("judge").getLong("judged")).isZero();
  }

  @Test
  void anUnparseableVerdictIsCountedNotGuessed() throws Exception {
    gw.startNode(gw.yamlConfig(CONFIG.formatted(1000, 6000)));
    gw.secondary.fault(Fault.of(Fault.Mode.STUPID)); // the judge answers in prose, or nothing
    for (int i = 0; i < 12; i++) {
      ask();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(judgeStats().getLong("unparseable")).isEqualTo(12));
    assertThat(primaryBreaker().getJsonObject("judge").getLong("judged")).isZero();
    assertThat(JudgeVerticle.parseVerdict("{\"score\": 0.4, \"reason\": \"ok\"}")).hasValue(0.4);
    assertThat(JudgeVerticle.parseVerdict("Score: 0.4")).isEmpty();
    assertThat(JudgeVerticle.parseVerdict("{\"score\": 1.4, \"reason\": \"too high\"}")).isEmpty();
    assertThat(JudgeVerticle.parseVerdict("{\"score\": \"0.4\", \"reason\": \"a string\"}"))
        .isEmpty();
  }

  @Test
  void aFullQueueDropsSamplesAndCountsThemWhileUsersAreServedAsBefore() throws Exception {
    gw.startNode(gw.yamlConfig(CONFIG.formatted(2, 6000)));
    gw.secondary.fault(Fault.of(Fault.Mode.HANG)); // judge calls hang for the whole test
    for (int i = 0; i < 10; i++) {
      assertThat(ask().headers().firstValue("x-airbag-tier")).hasValue("primary");
    }
    // Samples leave after each reply, so the last may still be on its way to the judge.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(judgeStats().getLong("sampled")).isEqualTo(10));
    JsonObject stats = judgeStats();
    assertThat(stats.getLong("in_flight")).isEqualTo(JudgeVerticle.MAX_IN_FLIGHT);
    assertThat(stats.getLong("dropped_queue_full")).isEqualTo(10 - JudgeVerticle.MAX_IN_FLIGHT - 2);
  }

  @Test
  void theBudgetOfJudgeCallsIsKept() throws Exception {
    gw.startNode(gw.yamlConfig(CONFIG.formatted(1000, 3)));
    for (int i = 0; i < 10; i++) {
      ask();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonObject stats = judgeStats();
              assertThat(stats.getLong("judged")).isEqualTo(3);
              assertThat(stats.getLong("dropped_budget")).isEqualTo(7);
            });
  }

  private static final String CHECKS_ONLY =
      GatewayFixture.PRIMARY_THEN_SECONDARY
          + """
      airbag:
        breaker: {min_judged: 5}
        checks: {empty: %s}
      """;

  @Test
  void emptyAnswersFailTheCheapCheckAndTheQualityTripIsNamedAfterIt() throws Exception {
    gw.startNode(gw.yamlConfig(CHECKS_ONLY.formatted("true")));
    gw.primary.fault(
        Fault.of(Fault.Mode.STUPID).withGarbage(java.util.List.of(Fault.Garbage.EMPTY)));
    for (int i = 0; i < 5; i++) {
      ask();
    }
    // The checks run after each reply has gone: the fifth may still be on its way.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(primaryBreaker().getString("state")).isEqualTo("OPEN"));
    JsonObject breaker = primaryBreaker();
    assertThat(breaker.getString("reason")).isEqualTo("quality");
    assertThat(breaker.getString("reason_detail")).isEqualTo("empty");
    assertThat(judgeStats().getLong("sampled"))
        .as("no judge configured: the checks alone did it")
        .isZero();
  }

  @Test
  void aCheckTurnedOffDoesNotCount() throws Exception {
    gw.startNode(gw.yamlConfig(CHECKS_ONLY.formatted("false")));
    gw.primary.fault(
        Fault.of(Fault.Mode.STUPID).withGarbage(java.util.List.of(Fault.Garbage.EMPTY)));
    for (int i = 0; i < 10; i++) {
      ask();
    }
    assertThat(primaryBreaker().getString("state")).isEqualTo("CLOSED");
  }

  @Test
  void streamedAnswersAreCheckedAndJudgedToo() throws Exception {
    gw.startNode(gw.yamlConfig(CONFIG.formatted(1000, 6000)));
    gw.primary.fault(
        Fault.of(Fault.Mode.STUPID).withGarbage(java.util.List.of(Fault.Garbage.OFF_TOPIC)));
    for (int i = 0; i < 10; i++) {
      assertThat(gw.chat("primary", QUESTION, true).statusCode()).isEqualTo(200);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonObject breaker = primaryBreaker();
              assertThat(breaker.getString("state")).isEqualTo("OPEN");
              assertThat(breaker.getString("reason_detail"))
                  .as("off-topic passes the cheap checks: the judge caught it")
                  .isEqualTo("judge");
            });
  }
}
