package dev.airbag.bench;

import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.LiteLlmConfigLoader;
import dev.airbag.node.AirbagNode;
import dev.airbag.node.NodeOptions;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.bus.BreakerCommand;
import dev.airbag.node.cluster.Cluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * How long a trip on one member takes to bench the provider on another: three members of a real
 * Hazelcast cluster (in this JVM, talking over loopback TCP), member A's breaker opened, member C's
 * read until it says OPEN. Writes {@code trip-propagation.json} and {@code .md}; asserts nothing.
 *
 * <p>Usage: {@code scripts/bench propagation [iterations] [output-dir]}.
 */
public final class TripPropagation {

  private static final String DEPLOYMENT = "primary";
  private static final String CONFIG =
      """
      model_list:
        - model_name: primary
          litellm_params: {model: openai/gpt-4.1, api_key: unused, api_base: "http://127.0.0.1:9/v1"}
      """;

  private TripPropagation() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Path out = Path.of(args.length > 1 ? args[1] : "bench-results");
    GatewayConfig config =
        new LiteLlmConfigLoader(Map.<String, String>of()::get).parse("bench.yaml", CONFIG);
    String cluster = "airbag-bench-" + UUID.randomUUID();
    List<Vertx> members = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Vertx member = get(Cluster.join(Cluster.config(null).setClusterName(cluster), "127.0.0.1"));
        members.add(member);
        get(
            AirbagNode.start(
                member, config, NodeOptions.defaults().withHost("127.0.0.1").withHttpPort(0)));
      }
      Vertx a = members.get(0);
      Vertx c = members.get(2);
      for (int i = 0; i < 20; i++) {
        trip(a, c); // warm-up: JIT, connections between members
      }
      double[] micros = new double[iterations];
      for (int i = 0; i < iterations; i++) {
        micros[i] = trip(a, c) / 1_000.0;
      }
      write(out, iterations, micros);
    } finally {
      Future.all(members.stream().map(Vertx::close).toList())
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  /**
   * Opens A's breaker and returns the nanoseconds until C reads OPEN; then closes it and waits for
   * C to follow.
   */
  private static long trip(Vertx a, Vertx c) throws Exception {
    long start = System.nanoTime();
    get(
        a.eventBus()
            .request(
                Addresses.breakerAdmin(DEPLOYMENT),
                new BreakerCommand(BreakerCommand.Op.OPEN, Optional.of(Duration.ofMinutes(10)))));
    while (!state(c).equals("OPEN")) {
      Thread.onSpinWait();
    }
    long took = System.nanoTime() - start;
    get(
        a.eventBus()
            .request(
                Addresses.breakerAdmin(DEPLOYMENT),
                new BreakerCommand(BreakerCommand.Op.CLOSE, Optional.empty())));
    while (!state(c).equals("CLOSED")) {
      Thread.onSpinWait();
    }
    return took;
  }

  private static String state(Vertx member) throws Exception {
    return get(member
            .eventBus()
            .<JsonObject>request(Addresses.breakerAdmin(DEPLOYMENT), BreakerCommand.SNAPSHOT))
        .body()
        .getString("state");
  }

  private static void write(Path out, int iterations, double[] micros) throws Exception {
    Arrays.sort(micros);
    JsonObject percentiles = new JsonObject();
    for (double p : new double[] {50, 90, 99, 100}) {
      percentiles.put(
          p == 100 ? "max" : "p" + (int) p,
          Math.round(micros[(int) Math.ceil(p / 100 * iterations) - 1]) / 1000.0);
    }
    JsonObject machine =
        new JsonObject()
            .put("cores", Runtime.getRuntime().availableProcessors())
            .put(
                "jvm",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
            .put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"))
            .put("hazelcast", com.hazelcast.instance.BuildInfoProvider.getBuildInfo().getVersion());
    JsonObject result =
        new JsonObject()
            .put("benchmark", "trip-propagation")
            .put("at", Instant.now().toString())
            .put(
                "what",
                "member A's breaker opened -> member C reads OPEN; 3 Hazelcast members in one JVM over loopback TCP")
            .put("iterations", iterations)
            .put("milliseconds", percentiles)
            .put("machine", machine)
            .put(
                "resolution",
                "C is polled in a tight loop by event-bus request; each poll costs tens of microseconds");
    Files.createDirectories(out);
    Files.writeString(out.resolve("trip-propagation.json"), result.encodePrettily() + "\n");
    String md =
        "| trip propagation (ms) | p50 | p90 | p99 | max |\n|---|---|---|---|---|\n"
            + "| A's trip -> C reads OPEN, "
            + iterations
            + " trips | "
            + percentiles.getDouble("p50")
            + " | "
            + percentiles.getDouble("p90")
            + " | "
            + percentiles.getDouble("p99")
            + " | "
            + percentiles.getDouble("max")
            + " |\n\n"
            + "Machine: "
            + machine.getInteger("cores")
            + " cores, "
            + machine.getString("jvm")
            + ", "
            + machine.getString("os")
            + ", Hazelcast "
            + machine.getString("hazelcast")
            + "; "
            + result.getString("at")
            + ".\n";
    Files.writeString(out.resolve("trip-propagation.md"), md);
    System.out.print(md);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
