package dev.airbag.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.airbag.core.time.FakeClock;
import dev.airbag.node.cli.AirbagCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Drills run on a real three-member cluster of in-process nodes against simulators, as an operator
 * would run them: over the admin API and the {@code airbag drill} command. The nodes share a fake
 * clock, so the drill's window, the breaker's cooldowns and its ramp pass when the test moves it.
 */
class DrillTest {

  private static final String ADMIN_KEY = "drill-admin-key";
  private static final String CONFIG =
      GatewayFixture.THREE_PROVIDERS
          + """
        - model_name: solo
          litellm_params: {model: gemini/gemini-2.5-flash, api_key: os.environ/GEMINI_API_KEY, api_base: os.environ/T_BASE}
      router_settings:
        fallbacks: [{primary: [secondary]}]
      airbag:
        admin_key: drill-admin-key
        drills: {schedule: "0 10 * * TUE#1", target: primary, duration: 20s, rate: 50}
        breaker: {min_calls: 10, error_rate_threshold: 0.2, cooldown: 30s, min_judged: 10}
        judge: {by: [secondary, tertiary]}
      """;
  private static final FakeClock CLOCK = new FakeClock();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static GatewayFixture sims;
  private static InProcessCluster cluster;
  private static List<AirbagNode> nodes;

  @BeforeAll
  static void cluster() throws Exception {
    sims = new GatewayFixture();
    cluster = new InProcessCluster(sims.yamlConfig(CONFIG), CLOCK, 3);
    nodes = cluster.nodes;
  }

  @AfterAll
  static void close() throws Exception {
    cluster.close();
    sims.close();
  }

  @Test
  void aFailoverDrillBreaksTheKeyEverywhereAndReportsEveryCheckPassed() throws Exception {
    AirbagNode runner = nodes.get(0);
    long judged = sims.tertiary.requests();
    JsonObject started =
        startDrill(
            runner,
            "{\"kind\":\"failover\",\"target\":\"primary\",\"duration\":\"20s\",\"rate\":\"50/s\"}");
    String id = started.getString("id");
    assertThat(started.getString("status")).isEqualTo("running");

    // The primary really refuses the key, on every node the breaker opens, and the secondary
    // answers.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(sims.primary.keysRefused()).isPositive();
              for (AirbagNode n : nodes) {
                assertThat(breaker(n, "primary").getString("state")).isEqualTo("OPEN");
              }
            });
    JsonObject report = runToTheEnd(runner, id);

    Map<String, JsonObject> checks = checks(report);
    assertThat(checks.keySet())
        .containsExactly(
            "first_failure_fast",
            "next_tier_within_one_retry",
            "p95_within_slo",
            "breaker_opened_everywhere",
            "target_came_back",
            "no_user_visible_error");
    assertThat(checks.values())
        .allSatisfy(c -> assertThat(c.getBoolean("passed")).as(c.encode()).isTrue());
    assertThat(report.getString("status")).isEqualTo("passed");
    assertThat(checks.get("first_failure_fast").getString("figure"))
        .startsWith("auth_failure after");
    assertThat(checks.get("next_tier_within_one_retry").getString("figure"))
        .contains("answered by secondary (secondary tier): ", "at most 2 attempts");
    assertThat(checks.get("breaker_opened_everywhere").getString("figure"))
        .startsWith("3 of 3 nodes saw it OPEN");
    assertThat(checks.get("target_came_back").getString("figure"))
        .contains("probe passed", "CLOSED after");
    assertThat(report.getJsonObject("traffic").getJsonObject("by_deployment").getLong("secondary"))
        .isPositive();
    for (AirbagNode n : nodes) {
      assertThat(breaker(n, "primary").getString("state")).isEqualTo("CLOSED");
    }
    assertThat(sims.tertiary.requests())
        .as("a failover drill's own traffic is never judged")
        .isEqualTo(judged);

    // Any node reads the same report, as JSON and as Markdown, and the timeline marks the drill.
    JsonObject elsewhere =
        new JsonObject(admin(nodes.get(2), "GET", "/admin/drills/" + id, null, ADMIN_KEY).body());
    assertThat(elsewhere.getString("status")).isEqualTo("passed");
    String md =
        admin(nodes.get(1), "GET", "/admin/drills/" + id + "?format=md", null, ADMIN_KEY).body();
    assertThat(md)
        .startsWith("## Failover drill " + id + ": PASSED")
        .contains("| The breaker opened on every node | pass |");
    JsonArray listed =
        new JsonObject(admin(nodes.get(1), "GET", "/admin/drills", null, ADMIN_KEY).body())
            .getJsonArray("drills");
    assertThat(listed.stream().map(JsonObject.class::cast).map(d -> d.getString("id")))
        .contains(id);
    JsonArray events =
        new JsonObject(admin(nodes.get(2), "GET", "/admin/events", null, ADMIN_KEY).body())
            .getJsonArray("events");
    List<String> drillEvents =
        events.stream()
            .map(JsonObject.class::cast)
            .filter(e -> id.equals(e.getString("drill")))
            .map(e -> e.getString("type"))
            .toList();
    assertThat(drillEvents).containsExactly("drill_started", "drill_finished");
    assertThat(events.stream().map(JsonObject.class::cast))
        .anyMatch(
            e -> "breaker".equals(e.getString("type")) && "drill".equals(e.getString("reason")));
  }

  @Test
  void aFailoverDrillOnLiveTrafficJudgesByTheRequestsAlreadyFlowing() throws Exception {
    // Users' traffic, spread over the nodes; the drill sends none of its own.
    java.util.concurrent.ScheduledExecutorService users =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    java.util.concurrent.atomic.AtomicInteger turn =
        new java.util.concurrent.atomic.AtomicInteger();
    String body =
        "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"Rain is due at the harbour.\"}]}";
    users.scheduleAtFixedRate(
        () ->
            HTTP.sendAsync(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + nodes.get(turn.getAndIncrement() % nodes.size()).httpPort()
                                + "/v1/chat/completions"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.discarding()),
        0,
        20,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    try {
      JsonObject started =
          startDrill(
              nodes.get(2), "{\"target\":\"primary\",\"duration\":\"20s\",\"rate\":\"live\"}");
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                for (AirbagNode n : nodes) {
                  assertThat(breaker(n, "primary").getString("state")).isEqualTo("OPEN");
                }
              });
      JsonObject report = runToTheEnd(nodes.get(2), started.getString("id"));
      assertThat(checks(report).values())
          .allSatisfy(c -> assertThat(c.getBoolean("passed")).as(c.encode()).isTrue());
      JsonObject traffic = report.getJsonObject("traffic");
      assertThat(traffic.getValue("sent")).as("no synthetic request").isNull();
      assertThat(traffic.getJsonObject("by_deployment").getLong("secondary"))
          .as("users' requests, seen on every node")
          .isPositive();
    } finally {
      users.shutdownNow();
    }
  }

  @Test
  void aQualityDrillIsCaughtByTheJudgeAndTheTargetRecovers() throws Exception {
    AirbagNode runner = nodes.get(1);
    JsonObject started =
        startDrill(
            runner,
            "{\"kind\":\"quality\",\"target\":\"primary\",\"duration\":\"20s\",\"rate\":50}");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (AirbagNode n : nodes) {
                JsonObject b = breaker(n, "primary");
                assertThat(b.getString("state")).isEqualTo("OPEN");
                assertThat(b.getString("reason")).isEqualTo("quality");
              }
            });
    JsonObject report = runToTheEnd(runner, started.getString("id"));

    Map<String, JsonObject> checks = checks(report);
    assertThat(checks.keySet())
        .containsExactly(
            "judge_saw_it",
            "p95_within_slo",
            "breaker_opened_everywhere",
            "target_came_back",
            "no_user_visible_error");
    assertThat(checks.values())
        .allSatisfy(c -> assertThat(c.getBoolean("passed")).as(c.encode()).isTrue());
    assertThat(checks.get("judge_saw_it").getString("figure"))
        .startsWith("OPEN (quality: judge) with a judge mean of 0.");
    assertThat(report.getString("status")).isEqualTo("passed");
  }

  @Test
  void aDrillWithNoTierToFailOverToFailsItsCheckAndTheCommandExitsNonZero() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () ->
                new CommandLine(new AirbagCommand())
                    .setOut(new java.io.PrintWriter(printed, true))
                    .execute(
                        "drill",
                        "failover",
                        "--url",
                        "http://127.0.0.1:" + nodes.get(2).httpPort(),
                        "--target",
                        "solo",
                        "--duration",
                        "20s",
                        "--rate",
                        "50/s",
                        "--admin-key",
                        ADMIN_KEY));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(sims.tertiary.keysRefused()).isPositive();
              assertThat(breaker(nodes.get(0), "solo").getString("state")).isEqualTo("OPEN");
            });
    pumpUntil(exit::isDone);
    assertThat(exit.get()).as("a failed check makes the command exit non-zero").isEqualTo(1);
    String md = printed.toString(StandardCharsets.UTF_8);
    assertThat(md)
        .contains(
            ": FAILED",
            "| The next tier picked up within one retry | **FAIL** | no other tier answered any of the",
            "| No user-visible error | **FAIL** |");
  }

  @Test
  void theScheduledDrillRunsOnceAcrossTheCluster() throws Exception {
    long due =
        dev.airbag.core.time.CronSchedule.parse("0 10 * * TUE#1").nextAfter(CLOCK.nowMillis());
    CLOCK.advance(Duration.ofMillis(due - CLOCK.nowMillis()));
    java.util.concurrent.Callable<List<JsonObject>> scheduled =
        () ->
            new JsonObject(admin(nodes.get(2), "GET", "/admin/drills", null, ADMIN_KEY).body())
                .getJsonArray("drills").stream()
                    .map(JsonObject.class::cast)
                    .filter(d -> d.getLong("started_at") >= due)
                    .toList();
    await().atMost(Duration.ofSeconds(10)).until(() -> !scheduled.call().isEmpty());
    // Every node saw the time come; one ran the drill.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> scheduled.call().size() == 1);
    JsonObject report = runToTheEnd(nodes.get(0), scheduled.call().get(0).getString("id"));
    assertThat(report.getString("trigger")).isEqualTo("schedule");
    assertThat(report.getString("target")).isEqualTo("primary");
    assertThat(report.getString("status")).as(report.encodePrettily()).isEqualTo("passed");
  }

  @Test
  void noDrillStartsWithoutTheAdminKey() throws Exception {
    String body = "{\"target\":\"primary\",\"duration\":\"5s\"}";
    assertThat(admin(nodes.get(0), "POST", "/admin/drills", body, null).statusCode())
        .isEqualTo(401);
    assertThat(admin(nodes.get(0), "POST", "/admin/drills", body, "not-the-key").statusCode())
        .isEqualTo(401);
    HttpResponse<String> unknown =
        admin(nodes.get(0), "POST", "/admin/drills", "{\"target\":\"nope\"}", ADMIN_KEY);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(unknown.body()).getJsonObject("error").getString("param"))
        .isEqualTo("target");
    assertThat(
            admin(
                    nodes.get(0),
                    "POST",
                    "/admin/drills",
                    "{\"target\":\"primary\",\"rate\":\"fast\"}",
                    ADMIN_KEY)
                .statusCode())
        .isEqualTo(400);
    assertThat(
            admin(
                    nodes.get(0),
                    "POST",
                    "/admin/drills",
                    "{\"kind\":\"quality\",\"target\":\"primary\",\"rate\":0}",
                    ADMIN_KEY)
                .body())
        .contains("needs a rate above 0");
  }

  private static JsonObject startDrill(AirbagNode node, String body) throws Exception {
    HttpResponse<String> r = admin(node, "POST", "/admin/drills", body, ADMIN_KEY);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body());
  }

  /**
   * Moves the shared clock through the window, the cooldown and the ramp while the drill's traffic
   * flows.
   */
  private static JsonObject runToTheEnd(AirbagNode runner, String id) {
    JsonObject[] report = new JsonObject[1];
    pumpUntil(
        () -> {
          report[0] =
              new JsonObject(admin(runner, "GET", "/admin/drills/" + id, null, ADMIN_KEY).body());
          return !"running".equals(report[0].getString("status"));
        });
    return report[0];
  }

  /**
   * Each poll moves the clock past a ramp step's hold; between polls the drill's traffic fills the
   * step.
   */
  private static void pumpUntil(java.util.concurrent.Callable<Boolean> done) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(1500))
        .until(
            () -> {
              if (done.call()) {
                return true;
              }
              CLOCK.advance(Duration.ofSeconds(11));
              return false;
            });
  }

  private static Map<String, JsonObject> checks(JsonObject report) {
    return report.getJsonArray("checks").stream()
        .map(JsonObject.class::cast)
        .collect(
            Collectors.toMap(
                c -> c.getString("name"), c -> c, (a, b) -> a, java.util.LinkedHashMap::new));
  }

  private static JsonObject breaker(AirbagNode node, String deployment) throws Exception {
    JsonArray all =
        new JsonObject(admin(node, "GET", "/admin/breakers", null, ADMIN_KEY).body())
            .getJsonArray("breakers");
    return all.stream()
        .map(JsonObject.class::cast)
        .filter(b -> b.getString("deployment").equals(deployment))
        .findFirst()
        .orElseThrow();
  }

  private static HttpResponse<String> admin(
      AirbagNode node, String method, String path, String body, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
            .timeout(Duration.ofSeconds(30))
            .header("content-type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (key != null) {
      b.header("authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
