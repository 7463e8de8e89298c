package dev.airbag.bench;

import dev.airbag.simulator.Fault;
import dev.airbag.simulator.Simulator;
import dev.airbag.simulator.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The chaos drill ({@code scripts/chaos}): a 3-node cluster of separate JVMs in front of
 * simulators, the primary failing so its breaker is OPEN (decided by the node that will die),
 * open-loop load spread over every node, and mid-run the deciding node is killed with SIGKILL and
 * started again. A client whose connection breaks sends the request to the next node, as one behind
 * a load balancer would. Passes when no request was lost and the breaker's state survived: the
 * restarted node starts OPEN and nobody calls the benched primary.
 */
final class Chaos {

  private static final String ADMIN_KEY = "chaos-admin-key";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Chaos() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 150;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    Path out = Path.of(args.length > 2 ? args[2] : "bench-results");
    JsonObject report =
        run(
            rate,
            seconds,
            out,
            Path.of(System.getProperty("airbag.jar", "modules/node/target/airbag.jar")));
    System.exit(report.getBoolean("passed") ? 0 : 1);
  }

  static JsonObject run(int rate, int seconds, Path out, Path airbagJar) throws Exception {
    Vertx vertx = Vertx.vertx();
    Path work = Files.createTempDirectory("airbag-chaos");
    List<NodeProcess> nodes = new java.util.ArrayList<>();
    boolean written = false;
    try {
      Simulator primary =
          get(
              Simulator.start(
                  vertx, SimulatorOptions.loopback().withApiKey("chaos-anthropic-key")));
      Simulator secondary =
          get(Simulator.start(vertx, SimulatorOptions.loopback().withApiKey("chaos-openai-key")));
      Path config = work.resolve("chaos.yaml");
      Files.writeString(
          config,
          """
          model_list:
            - model_name: chat
              litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: chaos-anthropic-key, api_base: "%s", timeout: 2}
            - model_name: chat-secondary
              litellm_params: {model: openai/gpt-4.1, api_key: chaos-openai-key, api_base: "%s/v1", timeout: 2}
          router_settings:
            fallbacks: [{chat: [chat-secondary]}]
            allowed_fails: 1000
          airbag:
            admin_key: %s
            breaker: {min_calls: 10, error_rate_threshold: 0.5, cooldown: 10m}
          """
              .formatted(primary.baseUrl(), secondary.baseUrl(), ADMIN_KEY));
      Path cluster = NodeProcess.clusterConfig(work, "airbag-chaos-" + UUID.randomUUID(), 5901);
      say("chaos: starting 3 nodes ...");
      nodes.addAll(NodeProcess.startAll(3, airbagJar, config, cluster, "", work));
      int victim = 1;
      NodeProcess dying = nodes.get(victim);

      // The primary fails; the node that will die is the one that trips its breaker.
      primary.fault(Fault.error(503));
      for (int i = 0; i < 12; i++) {
        chat(dying.port);
      }
      JsonObject decided = breaker(dying.port);
      String decider = decided.getString("decided_by");
      say(
          "chaos: primary failing; its breaker is "
              + decided.getString("state")
              + " ("
              + decided.getString("reason")
              + "), decided by node "
              + (victim + 1)
              + "; load "
              + rate
              + " req/s over all nodes for "
              + seconds
              + " s");
      long primaryCallsBefore = primary.requests();

      OpenLoop load = get(OpenLoop.start(vertx));
      OpenLoop.Target target =
          new OpenLoop.Target(
              "cluster", nodes.stream().map(n -> n.port).toList(), "/v1/chat/completions");
      target.retryElsewhere = true;
      long start = System.nanoTime();
      Future<List<OpenLoop.Target>> running =
          load.run(
              List.of(target),
              rate,
              seconds * 1000L,
              io.vertx.core.buffer.Buffer.buffer(
                  "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Summarize: the night ferry now runs hourly.\"}]}"));

      TimeUnit.MILLISECONDS.sleep(
          seconds * 1000L / 3); // pacing the script, not synchronising a test
      dying.kill();
      double killedAt = since(start);
      say(
          String.format(
              Locale.ROOT,
              "chaos: +%.1f s kill -9 node %d (pid gone, no goodbye to the cluster)",
              killedAt,
              victim + 1));
      TimeUnit.MILLISECONDS.sleep(seconds * 1000L / 6);
      double restartAt = since(start);
      NodeProcess back =
          NodeProcess.start(
              airbagJar, config, cluster, "", work.resolve("node-restarted.log"), dying.port);
      nodes.set(victim, back);
      double readyAt = since(start);
      JsonObject after = breaker(back.port);
      say(
          String.format(
              Locale.ROOT,
              "chaos: +%.1f s node %d restarted, ready at +%.1f s; its breaker for the primary: %s (%s)",
              restartAt,
              victim + 1,
              readyAt,
              after.getString("state"),
              after.getString("reason")));

      OpenLoop.Target t = get(running).get(0);
      long primaryCalls = primary.requests() - primaryCallsBefore;
      JsonArray events =
          new JsonObject(admin(nodes.get(0).port, "/admin/events")).getJsonArray("events");
      long left =
          events.stream()
              .map(JsonObject.class::cast)
              .filter(e -> "member_left".equals(e.getString("type")))
              .count();
      boolean survived =
          "OPEN".equals(after.getString("state"))
              && decided.getString("open_until").equals(after.getString("open_until"))
              && primaryCalls == 0;
      long lost = t.errors + t.unanswered;
      JsonObject report =
          new JsonObject()
              .put("benchmark", "chaos")
              .put("at", Instant.now().toString())
              .put("nodes", 3)
              .put("rate", rate)
              .put("seconds", seconds)
              .put(
                  "requests",
                  new JsonObject()
                      .put("sent", t.sent)
                      .put("answered", t.ok)
                      .put("failed", t.errors)
                      .put("unanswered", t.unanswered)
                      .put("retried_on_another_node", t.retried)
                      .put("lost", lost)
                      .put("p50_ms", ms(t, 50))
                      .put("p99_ms", ms(t, 99))
                      .put("max_ms", t.micros.getMaxValue() / 1000.0))
              .put(
                  "killed",
                  new JsonObject()
                      .put("node", victim + 1)
                      .put("at_s", killedAt)
                      .put("restarted_at_s", restartAt)
                      .put("ready_at_s", readyAt)
                      .put("member_left_events", left))
              .put(
                  "breaker",
                  new JsonObject()
                      .put(
                          "before",
                          decided.getString("state") + " (" + decided.getString("reason") + ")")
                      .put("decided_by_killed_node", decider)
                      .put(
                          "after_restart",
                          after.getString("state") + " (" + after.getString("reason") + ")")
                      .put(
                          "open_until_kept",
                          decided.getString("open_until").equals(after.getString("open_until")))
                      .put("primary_calls_during_run", primaryCalls)
                      .put("survived", survived))
              .put("passed", lost == 0 && survived);
      write(out, report);
      written = true;
      return report;
    } finally {
      nodes.forEach(NodeProcess::close);
      get(vertx.close());
      NodeProcess.tidy(work, written);
    }
  }

  private static void write(Path out, JsonObject r) throws Exception {
    Files.createDirectories(out);
    Files.writeString(out.resolve("chaos.json"), r.encodePrettily() + "\n");
    JsonObject q = r.getJsonObject("requests");
    JsonObject k = r.getJsonObject("killed");
    JsonObject b = r.getJsonObject("breaker");
    String md =
        String.format(
            Locale.ROOT,
            """
        ## Chaos drill: %s

        3 node JVMs, %d req/s open loop over all of them for %d s; node %d killed with SIGKILL at +%.1f s, \
        restarted at +%.1f s, ready at +%.1f s (%d member_left event in the cluster's timeline).

        | requests sent | answered | failed | unanswered | retried on another node | lost | p50 ms | p99 ms | max ms |
        |---|---|---|---|---|---|---|---|---|
        | %d | %d | %d | %d | %d | %d | %.1f | %.1f | %.1f |

        Breaker state: the primary's breaker was %s, decided by the node that was killed; the restarted node \
        started %s, open-until kept: %s; calls to the benched primary during the run: %d. Survived: %s.
        """,
            r.getBoolean("passed") ? "PASSED" : "FAILED",
            r.getInteger("rate"),
            r.getInteger("seconds"),
            k.getInteger("node"),
            k.getDouble("at_s"),
            k.getDouble("restarted_at_s"),
            k.getDouble("ready_at_s"),
            k.getLong("member_left_events"),
            q.getLong("sent"),
            q.getLong("answered"),
            q.getLong("failed"),
            q.getLong("unanswered"),
            q.getLong("retried_on_another_node"),
            q.getLong("lost"),
            q.getDouble("p50_ms"),
            q.getDouble("p99_ms"),
            q.getDouble("max_ms"),
            b.getString("before"),
            b.getString("after_restart"),
            b.getBoolean("open_until_kept") ? "yes" : "no",
            b.getLong("primary_calls_during_run"),
            b.getBoolean("survived") ? "yes" : "no");
    Files.writeString(out.resolve("chaos.md"), md);
    System.out.println(md);
  }

  private static void chat(int port) throws Exception {
    HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
            .header("content-type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there.\"}]}"))
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }

  private static JsonObject breaker(int port) throws Exception {
    return new JsonObject(admin(port, "/admin/breakers")).getJsonArray("breakers").getJsonObject(0);
  }

  private static String admin(int port, String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("authorization", "Bearer " + ADMIN_KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double ms(OpenLoop.Target t, double p) {
    return t.micros.getValueAtPercentile(p) / 1000.0;
  }

  private static double since(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 100_000_000.0) / 10.0;
  }

  private static void say(String line) {
    System.err.println(line);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
