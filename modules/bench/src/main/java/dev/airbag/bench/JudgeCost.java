package dev.airbag.bench;

import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.LiteLlmConfigLoader;
import dev.airbag.node.AirbagNode;
import dev.airbag.node.NodeOptions;
import dev.airbag.simulator.Simulator;
import dev.airbag.simulator.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What judging costs users: the same traffic through a node judging 0%, 5% and 100% of answers, the
 * simulators answering at once. Latency is measured per request by a closed-loop client with 8 requests
 * in flight (the open-loop harness of issue 5 will replace it). Writes {@code judge-cost.json} and
 * {@code .md}; asserts nothing.
 */
public final class JudgeCost {

  private static final int IN_FLIGHT = 8;
  private static final String CONFIG = """
      model_list:
        - model_name: primary
          litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: k, api_base: "%s"}
        - model_name: judge
          litellm_params: {model: openai/gpt-4.1, api_key: k, api_base: "%s/v1"}
        - model_name: judge-of-judge
          litellm_params: {model: gemini/gemini-2.5-pro, api_key: k, api_base: "%s"}
      airbag:
        judge: {by: [judge, judge-of-judge], sample_rate: %s, max_per_minute: 1000000}
      """;

  private JudgeCost() {}

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    Path out = Path.of(args.length > 1 ? args[1] : "bench-results");
    Vertx sims = Vertx.vertx();
    HttpClient http = HttpClient.newHttpClient();
    JsonObject results = new JsonObject();
    try {
      Simulator primary = get(Simulator.start(sims, SimulatorOptions.loopback()));
      Simulator judge = get(Simulator.start(sims, SimulatorOptions.loopback()));
      // One node per rate, all up at once, the load interleaved in blocks: the rates share the JVM's
      // warm-up and any drift of the machine, so their difference is judging's.
      List<String> rates = List.of("0", "0.05", "1.0");
      List<URI> uris = new ArrayList<>();
      List<Vertx> nodes = new ArrayList<>();
      for (String rate : rates) {
        GatewayConfig config = new LiteLlmConfigLoader(Map.<String, String>of()::get)
            .parse("bench.yaml", CONFIG.formatted(primary.baseUrl(), judge.baseUrl(), judge.baseUrl(), rate));
        Vertx nodeVertx = Vertx.vertx();
        nodes.add(nodeVertx);
        AirbagNode node = get(AirbagNode.start(nodeVertx, config, NodeOptions.defaults().withHost("127.0.0.1").withHttpPort(0)));
        uris.add(URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/chat/completions"));
      }
      for (URI uri : uris) {
        drive(http, uri, requests / 5); // warm-up
      }
      int blocks = 10;
      List<List<Double>> micros = new ArrayList<>();
      long[] judgeCalls = new long[rates.size()];
      rates.forEach(r -> micros.add(new ArrayList<>()));
      for (int b = 0; b < blocks; b++) {
        for (int i = 0; i < rates.size(); i++) {
          long judgeBefore = judge.requests();
          for (double m : drive(http, uris.get(i), requests / blocks)) {
            micros.get(i).add(m);
          }
          judgeCalls[i] += judge.requests() - judgeBefore;
        }
      }
      for (int i = 0; i < rates.size(); i++) {
        results.put(rates.get(i), percentiles(micros.get(i).stream().mapToDouble(Double::doubleValue).toArray())
            .put("judge_calls", judgeCalls[i]));
      }
      for (Vertx n : nodes) {
        get(n.close());
      }
    } finally {
      get(sims.close());
    }
    write(out, requests, results);
    System.exit(0);
  }

  private static double[] drive(HttpClient http, URI uri, int count) throws Exception {
    String body = "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":"
        + "\"The harbour froze in January and the ferries stopped for two weeks.\"}]}";
    Semaphore slots = new Semaphore(IN_FLIGHT);
    double[] micros = new double[count];
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      slots.acquire();
      int index = i;
      long start = System.nanoTime();
      all.add(http.sendAsync(HttpRequest.newBuilder(uri).header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
          .whenComplete((r, e) -> {
            micros[index] = (System.nanoTime() - start) / 1_000.0;
            slots.release();
          }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    return micros;
  }

  private static JsonObject percentiles(double[] micros) {
    double[] sorted = micros.clone();
    Arrays.sort(sorted);
    JsonObject p = new JsonObject();
    for (int q : new int[] {50, 90, 99}) {
      p.put("p" + q + "_ms", Math.round(sorted[(int) Math.ceil(q / 100.0 * sorted.length) - 1]) / 1000.0);
    }
    return p;
  }

  private static void write(Path out, int requests, JsonObject results) throws Exception {
    JsonObject machine = new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
        .put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    JsonObject result = new JsonObject().put("benchmark", "judge-cost").put("at", Instant.now().toString())
        .put("what", requests + " requests per sampling rate in 10 interleaved blocks, " + IN_FLIGHT
            + " in flight (closed loop), nodes and simulators in one JVM, simulators answering at once").put("by_sample_rate", results).put("machine", machine);
    Files.createDirectories(out);
    Files.writeString(out.resolve("judge-cost.json"), result.encodePrettily() + "\n");
    StringBuilder md = new StringBuilder("| judging sampled | p50 ms | p90 ms | p99 ms | judge calls |\n|---|---|---|---|---|\n");
    for (String rate : results.fieldNames()) {
      JsonObject r = results.getJsonObject(rate);
      md.append("| ").append(rate.equals("0") ? "0%" : rate.equals("0.05") ? "5%" : "100%").append(" | ")
          .append(r.getDouble("p50_ms")).append(" | ").append(r.getDouble("p90_ms")).append(" | ")
          .append(r.getDouble("p99_ms")).append(" | ").append(r.getLong("judge_calls")).append(" |\n");
    }
    md.append("\n").append(result.getString("what")).append("; ").append(machine.getInteger("cores")).append(" cores, ")
        .append(machine.getString("jvm")).append("; ").append(result.getString("at")).append(".\n");
    Files.writeString(out.resolve("judge-cost.md"), md.toString());
    System.out.print(md);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
