package dev.airbag.bench.overhead;

import dev.airbag.bench.NodeProcess;
import dev.airbag.bench.OpenLoop;
import dev.airbag.simulator.Fault;
import dev.airbag.simulator.Simulator;
import dev.airbag.simulator.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * The gateway's cost, scenario by scenario: the same open-loop schedule, interleaved request by
 * request, straight to the simulator that answers ("direct") and through nodes running as their own
 * JVMs ("airbag"), the simulators answering at once. Overhead is what each request through a node
 * took beyond its direct twin sent at the same moment, at each percentile of those pairs: a stall
 * of the machine or of the generator delays both twins and cancels out, a stall of the node does
 * not. The difference of the two paths' own percentiles is reported beside it, with the generator's
 * stalls and how often the node's event loops ran 10 and 50 ms late (its {@code
 * airbag_event_loop_delay_seconds}), and the share of the machine's CPU time the hypervisor gave
 * other guests meanwhile. For each scenario it also reads the nodes' CPU time, heap allocation and
 * JIT compilation time (over JMX) and peak RSS. The healthy scenario runs beside a {@link
 * BareProxy}, the floor under its figures, and the judge's (a rise over the healthy path) beside a
 * healthy twin node, each pair loaded alternately a second at a time, so both meet the same moments
 * of the machine. With the healthy scenario it searches the highest rate the direct path, the node
 * and the bare proxy each sustain. Writes {@code overhead.json} and {@code .md} with the targets
 * marked met or missed; asserts nothing. Its parts: {@link Scenarios}, {@link WarmUp}, {@link
 * Alternation}, {@link ThroughputSearch}, {@link OverheadReport}.
 *
 * <p>Usage: {@code scripts/bench overhead [req/s per path] [seconds per scenario] [scenario,...]}.
 */
public final class Overhead {

  static final String PATH = "/v1/chat/completions";

  private Overhead() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path out = Path.of(args.length > 2 ? args[2] : "bench-results");
    Set<String> only = args.length > 3 ? Set.of(args[3].split(",")) : Set.of();
    run(
        rate,
        seconds,
        out,
        Path.of(System.getProperty("airbag.jar", "modules/node/target/airbag.jar")),
        only);
    System.exit(0);
  }

  /**
   * Runs the scenarios named in {@code only} (all when empty) and writes the report; returns it.
   */
  static JsonObject run(int rate, int seconds, Path out, Path airbagJar, Set<String> only)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    Path work = Files.createTempDirectory("airbag-bench");
    String extraJvmArgs = System.getProperty("airbag.node.jvmArgs", "");
    boolean written = false;
    try {
      Sims sims =
          new Sims(
              get(Simulator.start(vertx, SimulatorOptions.loopback())),
              get(Simulator.start(vertx, SimulatorOptions.loopback())),
              get(Simulator.start(vertx, SimulatorOptions.loopback())));
      Path cluster = NodeProcess.clusterConfig(work, "airbag-bench-" + UUID.randomUUID(), 5801);
      JsonObject scenarios = new JsonObject();
      JsonObject throughput = null;
      List<Scenario> all = Scenarios.all(NodeProcess.freePort());
      Scenario healthy =
          all.stream().filter(x -> x.key().equals("healthy")).findFirst().orElseThrow();
      for (Scenario s : all) {
        if (!only.isEmpty() && !only.contains(s.key())) {
          continue;
        }
        sims.primary().fault(Fault.HEALTHY);
        Path logs = Files.createDirectories(work.resolve(s.key()));
        List<NodeProcess> nodes =
            NodeProcess.startAll(
                s.nodes(),
                airbagJar,
                Scenarios.config(work, s.key(), s, sims),
                s.nodes() > 1 ? cluster : null,
                extraJvmArgs,
                logs);
        // A generator per scenario: its client's connections come from this scenario's load only.
        OpenLoop load = get(OpenLoop.start(vertx));
        NodeProcess twin = null;
        try {
          if (s.twin() == TwinKind.HEALTHY) {
            twin =
                NodeProcess.start(
                    airbagJar,
                    Scenarios.config(work, "healthy-twin", healthy, sims),
                    null,
                    extraJvmArgs,
                    logs.resolve("twin.log"));
          } else if (s.twin() == TwinKind.BARE) {
            twin =
                NodeProcess.startBare(
                    s.direct().apply(sims).port(), extraJvmArgs, logs.resolve("bare.log"));
          }
          s.setup().apply(sims, nodes);
          int scenarioRate = Math.max(1, rate / s.rateDivisor());
          scenarios.put(
              s.key(),
              measure(
                  load,
                  s,
                  sims,
                  nodes,
                  twin == null
                      ? null
                      : new Twin(
                          s.twin(), twin, Scenarios.paths(healthy, sims, List.of(twin.port))),
                  scenarioRate,
                  seconds));
          // The search runs with the healthy scenario, whose node and bare proxy are warm now.
          if (s.twin() == TwinKind.BARE && !Boolean.getBoolean("airbag.bench.noSearch")) {
            throughput = ThroughputSearch.maxThroughput(load, s, sims, nodes.get(0), twin, seconds);
          }
        } finally {
          get(vertx.undeploy(load.deploymentID()));
          nodes.forEach(NodeProcess::close);
          if (twin != null) {
            twin.close();
          }
        }
        System.err.println("bench: " + s.key() + " done");
      }
      JsonObject report =
          new JsonObject()
              .put("benchmark", "overhead")
              .put("at", Instant.now().toString())
              .put("rate_per_path", rate)
              .put("seconds", seconds)
              .put("scenarios", scenarios)
              .put("max_throughput", throughput)
              .put("machine", OverheadReport.machine())
              .put(
                  "notes",
                  "open loop, latency from the intended send time, one generator event loop; overhead per request "
                      + "against its direct twin sent at the same moment; "
                      + "load generator and simulators share one JVM, each node runs in its own ("
                      + String.join(" ", NodeProcess.JVM_FLAGS)
                      + (extraJvmArgs.isBlank() ? "" : " " + extraJvmArgs.trim())
                      + ", "
                      + NodeProcess.ENV.entrySet().stream()
                          .map(e -> e.getKey() + "=" + e.getValue())
                          .sorted()
                          .collect(Collectors.joining(" "))
                      + "); all on the same cores");
      report.put("targets", OverheadReport.targets(report));
      OverheadReport.write(out, report);
      written = true;
      return report;
    } finally {
      get(vertx.close());
      NodeProcess.tidy(work, written);
    }
  }

  static JsonObject measure(
      OpenLoop load,
      Scenario s,
      Sims sims,
      List<NodeProcess> nodes,
      Twin twin,
      int rate,
      int seconds)
      throws Exception {
    List<Integer> ports = nodes.stream().map(n -> n.port).toList();
    Buffer body = Scenarios.body(s.stream());
    List<OpenLoop.Target> paths = Scenarios.paths(s, sims, ports);
    long warmUpSeconds = WarmUp.warmUp(load, paths, nodes, sims, rate, seconds, body);
    if (twin != null) {
      warmUpSeconds +=
          WarmUp.warmUp(load, twin.targets(), List.of(twin.node()), sims, rate, seconds, body);
      List<NodeProcess> both = new ArrayList<>(nodes);
      both.add(twin.node());
      warmUpSeconds +=
          Alternation.settleAlternately(
              load, List.of(paths, twin.targets()), both, rate, seconds, body);
      twin.node().collectGarbage();
    }
    // The warm-up's garbage (its cold start queued thousands of requests) is collected before
    // measuring, in every JVM.
    nodes.forEach(NodeProcess::collectGarbage);
    System.gc();
    long[] host = NodeReadings.hostCpuTicks();
    NodeReadings readings = new NodeReadings(nodes);
    NodeReadings twinReadings = twin == null ? null : new NodeReadings(List.of(twin.node()));
    StallMeter hiccups = StallMeter.start();
    int measured = twin == null ? seconds : seconds * Alternation.TWIN_MEASUREMENTS;
    List<List<OpenLoop.Target>> runs =
        twin == null
            ? List.of(get(load.run(paths, rate, seconds * 1000L, body)))
            : Alternation.alternate(load, List.of(paths, twin.targets()), rate, measured, body);
    Histogram stalls = hiccups.stop();
    long[] hostAfter = NodeReadings.hostCpuTicks();
    OpenLoop.Target direct = runs.get(0).get(0);
    OpenLoop.Target airbag = runs.get(0).get(1);
    JsonObject difference = new JsonObject();
    for (double p : Figures.PERCENTILES) {
      difference.put(
          Figures.key(p),
          Figures.round(Figures.ms(airbag.micros, p) - Figures.ms(direct.micros, p)));
    }
    JsonObject result =
        new JsonObject()
            .put("title", s.title())
            .put("nodes", s.nodes())
            .put("rate_per_path", rate)
            .put(
                "paths",
                new JsonObject()
                    .put("direct", Figures.summary(direct, measured))
                    .put("airbag", Figures.summary(airbag, measured)))
            .put("overhead_ms", Figures.overhead(airbag, direct))
            .put("percentile_difference_ms", difference)
            .put(
                "host_cpu_stolen_percent",
                Figures.round(
                    100.0 * (hostAfter[0] - host[0]) / Math.max(1, hostAfter[1] - host[1])))
            .put(
                "generator_stalls_ms",
                new JsonObject()
                    .put("p99_ms", Figures.round(Figures.ms(stalls, 99)))
                    .put("max_ms", Figures.round(stalls.getMaxValue() / 1000.0)))
            .mergeIn(readings.since(airbag))
            .put("warm_up_seconds", warmUpSeconds);
    if (s.stream()) {
      result.put("first_token", Figures.firstToken(airbag, direct));
    }
    if (twin != null) {
      OpenLoop.Target twinDirect = runs.get(1).get(0);
      OpenLoop.Target twinAirbag = runs.get(1).get(1);
      result.put(
          twin.kind().key,
          new JsonObject()
              .put("slice_ms", Alternation.slice(seconds))
              .put("seconds", measured)
              .put(
                  "paths",
                  new JsonObject()
                      .put("direct", Figures.summary(twinDirect, measured))
                      .put("airbag", Figures.summary(twinAirbag, measured)))
              .put("overhead_ms", Figures.overhead(twinAirbag, twinDirect))
              .mergeIn(twinReadings.since(twinAirbag)));
    }
    return result;
  }

  static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }
}
