package dev.airbag.bench;

import dev.airbag.simulator.Simulator;
import dev.airbag.simulator.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The gateway's cost on the healthy path: the same schedule of requests, interleaved, straight to the
 * simulator ("direct") and through a node running as its own JVM ("airbag"), the simulator answering
 * at once. Overhead is the difference at each percentile. Also reads the node's CPU time and peak RSS
 * from /proc. Writes {@code overhead.json} and {@code .md}; asserts nothing.
 *
 * <p>Usage: {@code scripts/bench overhead [req/s per path] [seconds]}.
 */
public final class Overhead {

  private static final double[] PERCENTILES = {50, 90, 99, 99.9};

  private Overhead() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path out = Path.of(args.length > 2 ? args[2] : "bench-results");
    run(rate, seconds, out, Path.of(System.getProperty("airbag.jar", "modules/node/target/airbag.jar")));
    System.exit(0);
  }

  /** Runs the scenario and writes its report; returns the report. */
  static JsonObject run(int rate, int seconds, Path out, Path airbagJar) throws Exception {
    Vertx vertx = Vertx.vertx();
    Process node = null;
    try {
      Simulator sim = get(Simulator.start(vertx, SimulatorOptions.loopback()));
      Path config = Files.createTempFile("airbag-bench", ".yaml");
      Files.writeString(config, "model_list:\n  - model_name: bench\n    litellm_params: {model: openai/bench, api_key: k, api_base: \""
          + sim.baseUrl() + "/v1\"}\n");
      int port;
      try (ServerSocket probe = new ServerSocket(0)) {
        port = probe.getLocalPort();
      }
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
      String extra = System.getProperty("airbag.node.jvmArgs", "");
      if (!extra.isBlank()) {
        command.addAll(List.of(extra.trim().split("\\s+")));
      }
      command.addAll(List.of("-jar", airbagJar.toString(), "node", "--standalone", "--config", config.toString(), "--host", "127.0.0.1",
          "--http-port", String.valueOf(port)));
      node = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      awaitReady(port);

      Buffer body = Buffer.buffer("{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":"
          + "\"The harbour froze in January and the ferries stopped for two weeks.\"}]}");
      get(OpenLoop.run(vertx, List.of(new OpenLoop.Target("direct", sim.port(), "/v1/chat/completions"),
          new OpenLoop.Target("airbag", port, "/v1/chat/completions")), rate, Math.max(1, seconds / 4) * 1000L, body)); // warm-up
      long cpuBefore = cpuTicks(node.pid());
      Map<String, OpenLoop.Target> result = get(OpenLoop.run(vertx, List.of(
          new OpenLoop.Target("direct", sim.port(), "/v1/chat/completions"),
          new OpenLoop.Target("airbag", port, "/v1/chat/completions")), rate, seconds * 1000L, body));
      long cpuTicks = cpuTicks(node.pid()) - cpuBefore;
      long peakRssKb = peakRssKb(node.pid());

      JsonObject paths = new JsonObject();
      result.forEach((name, t) -> paths.put(name, summary(t, seconds)));
      JsonObject overhead = new JsonObject();
      for (double p : PERCENTILES) {
        overhead.put(key(p), round(ms(result.get("airbag").micros, p) - ms(result.get("direct").micros, p)));
      }
      long airbagRequests = result.get("airbag").ok + result.get("airbag").errors;
      JsonObject report = new JsonObject().put("benchmark", "overhead").put("scenario", "healthy primary, non-stream")
          .put("at", Instant.now().toString()).put("rate_per_path", rate).put("seconds", seconds)
          .put("paths", paths).put("overhead_ms", overhead)
          .put("node", new JsonObject()
              .put("cpu_seconds_per_1000_requests", round(cpuTicks / 100.0 / Math.max(1, airbagRequests) * 1000))
              .put("peak_rss_mb", peakRssKb / 1024))
          .put("machine", new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
              .put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version")))
          .put("notes", "open loop, latency from the intended send time; load generator and simulator share one JVM, "
              + "the node runs in its own; all on the same cores");
      write(out, report);
      return report;
    } finally {
      if (node != null) {
        node.destroy(); // SIGTERM first, so a flight recording is written
        if (!node.waitFor(10, TimeUnit.SECONDS)) {
          node.destroyForcibly().waitFor();
        }
      }
      get(vertx.close());
    }
  }

  private static JsonObject summary(OpenLoop.Target t, int seconds) {
    JsonObject s = new JsonObject().put("sent", t.sent).put("ok", t.ok).put("errors", t.errors).put("unanswered", t.unanswered)
        .put("throughput_per_s", round((double) t.ok / seconds));
    for (double p : PERCENTILES) {
      s.put(key(p), round(ms(t.micros, p)));
    }
    return s;
  }

  private static String key(double p) {
    return p == 99.9 ? "p99_9_ms" : "p" + (int) p + "_ms";
  }

  private static double ms(Histogram h, double p) {
    return h.getValueAtPercentile(p) / 1000.0;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** User plus system time of a process, in clock ticks (USER_HZ, 100 on Linux). */
  private static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static long peakRssKb(long pid) throws Exception {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmHWM:"))
        .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1L);
  }

  private static void awaitReady(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 300; i++) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // the node is still starting
      }
      TimeUnit.MILLISECONDS.sleep(100); // polling a process's readiness, not synchronising a test
    }
    throw new IllegalStateException("the node did not become ready in 30 s");
  }

  private static void write(Path out, JsonObject report) throws Exception {
    Files.createDirectories(out);
    Files.writeString(out.resolve("overhead.json"), report.encodePrettily() + "\n");
    StringBuilder md = new StringBuilder("| healthy path, " + report.getInteger("rate_per_path") + " req/s per path, "
        + report.getInteger("seconds") + " s | p50 ms | p90 ms | p99 ms | p99.9 ms | req/s | errors | unanswered |\n"
        + "|---|---|---|---|---|---|---|---|\n");
    for (String name : List.of("direct", "airbag")) {
      JsonObject p = report.getJsonObject("paths").getJsonObject(name);
      md.append("| ").append(name).append(" | ").append(p.getDouble("p50_ms")).append(" | ").append(p.getDouble("p90_ms"))
          .append(" | ").append(p.getDouble("p99_ms")).append(" | ").append(p.getDouble("p99_9_ms")).append(" | ")
          .append(p.getDouble("throughput_per_s")).append(" | ").append(p.getLong("errors")).append(" | ")
          .append(p.getLong("unanswered")).append(" |\n");
    }
    JsonObject o = report.getJsonObject("overhead_ms");
    md.append("| **overhead** | ").append(o.getDouble("p50_ms")).append(" | ").append(o.getDouble("p90_ms")).append(" | ")
        .append(o.getDouble("p99_ms")).append(" | ").append(o.getDouble("p99_9_ms")).append(" | | | |\n\n")
        .append("Node: ").append(report.getJsonObject("node").getDouble("cpu_seconds_per_1000_requests"))
        .append(" CPU s per 1,000 requests, peak RSS ").append(report.getJsonObject("node").getLong("peak_rss_mb"))
        .append(" MB. ").append(report.getJsonObject("machine").getInteger("cores")).append(" cores, ")
        .append(report.getJsonObject("machine").getString("jvm")).append("; ").append(report.getString("notes"))
        .append("; ").append(report.getString("at")).append(".\n");
    Files.writeString(out.resolve("overhead.md"), md.toString());
    System.out.print(md);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }

}
