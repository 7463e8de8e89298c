package dev.airbag.node.cli;

import dev.airbag.core.config.ConfigException;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.LiteLlmConfigLoader;
import dev.airbag.core.time.SystemClock;
import dev.airbag.node.AirbagNode;
import dev.airbag.node.NodeOptions;
import dev.airbag.node.cluster.Cluster;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code airbag demo}: three simulated providers behind a cluster of nodes (real Hazelcast members
 * in this one JVM), an outage played out tier by tier, and for every request what the user
 * received; then a failover drill and its verdict. Exits non-zero if any user saw an error or a
 * drill check failed.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Start simulated providers and a cluster of nodes, break the providers one by one, show what users receive.")
final class DemoCommand implements Callable<Integer> {

  private static final String MODEL = "summarize-primary";
  private static final String TEXT =
      "The city council voted to extend the night bus service to the harbour district "
          + "after a year of complaints from shift workers.";

  @Option(
      names = "--config",
      defaultValue = "config/demo.yaml",
      paramLabel = "FILE",
      description =
          "Demo config; its api_base values come from DEMO_*_BASE (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--nodes",
      defaultValue = "3",
      paramLabel = "N",
      description = "Cluster members (default: ${DEFAULT-VALUE}).")
  int nodeCount;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> bases = new ArrayList<>();
  private final List<String> nodeIds = new ArrayList<>();
  private String adminKey;
  private int turn;
  private int requests;
  private int errors;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<Vertx> members = new ArrayList<>();
    try {
      Simulator primary =
          await(
              Simulator.start(vertx, SimulatorOptions.loopback().withApiKey("demo-anthropic-key")));
      Simulator secondary =
          await(Simulator.start(vertx, SimulatorOptions.loopback().withApiKey("demo-openai-key")));
      Simulator tertiary =
          await(Simulator.start(vertx, SimulatorOptions.loopback().withApiKey("demo-gemini-key")));
      Map<String, String> env = new HashMap<>(System.getenv());
      env.putIfAbsent("ANTHROPIC_API_KEY", "demo-anthropic-key");
      env.putIfAbsent("OPENAI_API_KEY", "demo-openai-key");
      env.putIfAbsent("GEMINI_API_KEY", "demo-gemini-key");
      env.putIfAbsent("AIRBAG_ADMIN_KEY", "demo-admin-key");
      adminKey = env.get("AIRBAG_ADMIN_KEY");
      env.put("DEMO_PRIMARY_BASE", primary.baseUrl());
      env.put("DEMO_SECONDARY_BASE", secondary.baseUrl() + "/v1");
      env.put("DEMO_TERTIARY_BASE", tertiary.baseUrl());
      GatewayConfig gateway;
      try {
        gateway = new LiteLlmConfigLoader(env::get).load(config);
      } catch (ConfigException e) {
        System.err.println("airbag: bad config: " + e.getMessage());
        return 2;
      }
      // Its own cluster name: the demo never joins a cluster already running on this machine.
      String clusterName = "airbag-demo-" + UUID.randomUUID();
      for (int i = 0; i < nodeCount; i++) {
        Vertx member =
            await(Cluster.join(Cluster.config(null).setClusterName(clusterName), "127.0.0.1"));
        members.add(member);
        AirbagNode node =
            await(
                AirbagNode.start(
                    member, gateway, NodeOptions.defaults().withHost("127.0.0.1").withHttpPort(0)));
        bases.add("http://127.0.0.1:" + node.httpPort());
        nodeIds.add(node.nodeId());
      }
      System.out.println(
          "Airbag demo: a cluster of "
              + nodeCount
              + " nodes ("
              + String.join(", ", bases)
              + "),"
              + " tiers summarize-primary (anthropic) -> summarize-secondary (openai) -> summarize-tertiary (gemini),"
              + " each a local simulator.");
      System.out.println(
          "Dashboard, live while the demo runs: "
              + bases.get(0)
              + "/ (any node draws the same picture)");
      System.out.println(
          "Config: "
              + config
              + " (the seed's tiers; per-call timeout 2 s, allowed_fails 2, cooldown_time 5 s)."
              + " Requests go to the nodes in turn.\n");
      header();

      phase("all providers healthy", 2, false);
      phase("streamed request, all healthy", 1, true);
      primary.fault(Fault.of(Fault.Mode.CONTEXT_LIMIT).withLimitTokens(20));
      phase("prompt over the primary's context window", 1, false);
      primary.fault(Fault.of(Fault.Mode.HANG));
      phase("primary hangs (per-call timeout 2 s)", 1, false);
      primary.fault(Fault.of(Fault.Mode.STREAM_CUT));
      phase("streamed, primary cuts before the 1st token", 1, true);
      primary.fault(Fault.error(503));
      phase("primary answers 503 (all to node 1)", 3, false, List.of(0));
      System.out.println(
          "\n... node 1's breaker tripped. What every node's breaker for summarize-primary says now:");
      TimeUnit.MILLISECONDS.sleep(
          300); // a demo pacing itself for a human: the trip crosses the cluster in well under this
      for (int i = 0; i < bases.size(); i++) {
        JsonObject b =
            new JsonObject(get(bases.get(i) + "/admin/breakers"))
                .getJsonArray("breakers")
                .getJsonObject(0);
        JsonObject window = b.getJsonObject("window");
        System.out.printf(
            "    node %d: %-5s reason %s, decided by node %d; cluster window %d calls, %d failed%n",
            i + 1,
            b.getString("state"),
            b.getString("reason"),
            nodeIds.indexOf(b.getString("decided_by")) + 1,
            window.getLong("calls"),
            window.getLong("failures"));
      }
      System.out.println("  Nodes 2 and 3 never called the primary, and skip it without a call:\n");
      header();
      phase("to nodes 2 and 3: primary benched", 4, false, List.of(1, 2));
      secondary.fault(Fault.of(Fault.Mode.RESET));
      phase("secondary resets connections too", 2, false);
      tertiary.fault(Fault.of(Fault.Mode.BAD_KEY));
      phase("every provider down: rung 3", 2, false);
      primary.reset();
      secondary.reset();
      tertiary.reset();
      System.out.println(
          "... providers healed; waiting 6 s for the primary's cooldown (5 s, +-10% jitter) to end."
              + " The first call after it claims the cluster's one probe, a later one sends it ...");
      TimeUnit.SECONDS.sleep(6); // a demo pacing itself for a human, not a test synchronising
      phase("cooldown over: one probe, then 10% ramp", 11, false);

      System.out.printf(
          "%n%d requests, %d user-visible errors.%s%n",
          requests,
          errors,
          errors == 0 ? " Every user got an answer or an honest canned message." : "");
      timeline(bases.get(bases.size() - 1), nodeIds);
      System.out.println(
          "Metrics: "
              + bases.get(0)
              + "/metrics (Prometheus; docs/observability.md lists the series), for example:");
      get(bases.get(0) + "/metrics")
          .lines()
          .filter(l -> l.startsWith("airbag_requests_total"))
          .forEach(l -> System.out.println("    " + l));
      int drill = drill();
      return errors == 0 && drill == 0 ? 0 : 1;
    } finally {
      for (Vertx member : members) {
        member.close(); // all at once: the members need not say goodbye to each other one by one
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Ends the demo as an operator would start a normal Tuesday: a failover drill, with its verdict.
   */
  private int drill() throws Exception {
    String target = "summarize-primary";
    // The outage left breakers open or ramping; a drill rehearses a failure from a healthy cluster.
    // A trip still in flight from the outage can outrank a close made the same moment: close until
    // every node reads CLOSED, as an operator checking /admin/breakers before a drill would.
    for (int round = 0; round < 20 && !allClosed(); round++) {
      for (String deployment : List.of(target, "summarize-secondary", "summarize-tertiary")) {
        http.send(
            HttpRequest.newBuilder(
                    URI.create(bases.get(0) + "/admin/breakers/" + deployment + "/close"))
                .header("authorization", "Bearer " + adminKey)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
      }
      TimeUnit.MILLISECONDS.sleep(300); // pacing a demo, not synchronising a test
    }
    String[] args = {
      "drill",
      "failover",
      "--url",
      bases.get(0),
      "--target",
      target,
      "--duration",
      "10s",
      "--rate",
      "20/s"
    };
    System.out.println(
        "\nA failover drill, as an operator runs one against a live cluster (every breaker closed first: the providers are healthy again):");
    System.out.println("  AIRBAG_ADMIN_KEY=... airbag " + String.join(" ", args));
    System.out.println(
        "  For 10 s every node calls "
            + target
            + " with a broken key; then it must come back through a probe"
            + " and the ramp (three steps of at least 10 s). About 45 s.\n");
    String[] withKey = java.util.Arrays.copyOf(args, args.length + 2);
    withKey[args.length] = "--admin-key";
    withKey[args.length + 1] = adminKey;
    return new picocli.CommandLine(new AirbagCommand()).execute(withKey);
  }

  private boolean allClosed() throws Exception {
    for (String base : bases) {
      for (Object b : new JsonObject(get(base + "/admin/breakers")).getJsonArray("breakers")) {
        if (!"CLOSED".equals(((JsonObject) b).getString("state"))) {
          return false;
        }
      }
    }
    return true;
  }

  private void header() {
    System.out.printf(
        "%-44s %-4s %-6s %-10s %-20s %-8s %-8s %s%n",
        "what happens",
        "node",
        "status",
        "tier",
        "deployment",
        "attempts",
        "ms",
        "what the user received");
  }

  /**
   * The incident as the last node tells it from the cluster's event log, times relative to the
   * first event.
   */
  private void timeline(String base, List<String> nodeIds) throws Exception {
    System.out.println(
        "\nThe incident as node " + nodeIds.size() + " tells it (GET " + base + "/admin/events):");
    JsonArray events = new JsonObject(get(base + "/admin/events")).getJsonArray("events");
    long start = events.isEmpty() ? 0 : events.getJsonObject(0).getLong("at");
    for (Object o : events) {
      JsonObject e = (JsonObject) o;
      String who = "node " + (nodeIds.indexOf(e.getString("node")) + 1);
      String what =
          e.getString("type").equals("breaker")
              ? e.getString("deployment")
                  + " breaker "
                  + e.getString("state")
                  + (e.getString("reason") == null ? "" : " (" + e.getString("reason") + ")")
                  + ", decided by "
                  + who
              : e.getString("type").replace('_', ' ') + ": " + who;
      System.out.printf("    +%6.1f s  %s%n", (e.getLong("at") - start) / 1000.0, what);
    }
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("authorization", "Bearer " + adminKey)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private void phase(String what, int count, boolean stream) throws Exception {
    phase(what, count, stream, List.of());
  }

  /**
   * Sends {@code count} requests to the given nodes in turn (all nodes when none given) and prints
   * what came back.
   */
  private void phase(String what, int count, boolean stream, List<Integer> nodes) throws Exception {
    for (int i = 0; i < count; i++) {
      int nodeIndex = nodes.isEmpty() ? turn++ % bases.size() : nodes.get(i % nodes.size());
      JsonObject body =
          new JsonObject()
              .put("model", MODEL)
              .put(
                  "messages",
                  new JsonArray().add(new JsonObject().put("role", "user").put("content", TEXT)));
      if (stream) {
        body.put("stream", true);
      }
      long start = SystemClock.INSTANCE.nanoTime();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(bases.get(nodeIndex) + "/v1/chat/completions"))
                  .timeout(Duration.ofSeconds(30))
                  .header("content-type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      long ms = (SystemClock.INSTANCE.nanoTime() - start) / 1_000_000;
      requests++;
      String answer;
      if (r.statusCode() != 200) {
        errors++;
        answer = "ERROR " + r.body();
      } else if (stream) {
        answer = "(stream) " + streamedText(r.body());
      } else {
        answer =
            new JsonObject(r.body())
                .getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content");
      }
      System.out.printf(
          "%-44s %-4d %-6d %-10s %-20s %-8s %-8d %s%n",
          i == 0 ? what : "",
          nodeIndex + 1,
          r.statusCode(),
          r.headers().firstValue("x-airbag-tier").orElse("-"),
          r.headers().firstValue("x-airbag-deployment").orElse("-"),
          r.headers().firstValue("x-airbag-attempts").orElse("-"),
          ms,
          abbreviate(answer));
    }
  }

  private static String streamedText(String sse) {
    StringBuilder text = new StringBuilder();
    for (String line : sse.split("\n")) {
      if (line.startsWith("data: {")) {
        JsonArray choices =
            new JsonObject(line.substring(6)).getJsonArray("choices", new JsonArray());
        if (!choices.isEmpty()) {
          text.append(
              choices
                  .getJsonObject(0)
                  .getJsonObject("delta", new JsonObject())
                  .getString("content", ""));
        }
      }
    }
    return text.toString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
