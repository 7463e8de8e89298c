package dev.airbag.node.cli;

import dev.airbag.simulator.Fault;
import dev.airbag.simulator.Simulator;
import dev.airbag.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code airbag simulator}: fake providers on loopback ports, for demos, drills and load tests. */
@Command(
    name = "simulator",
    mixinStandardHelpOptions = true,
    description = {
      "Serve fake OpenAI, Anthropic and Gemini endpoints that fail on command.",
      "Control: POST /_sim/fault {\"mode\":\"error\",\"status\":503,\"fraction\":1.0}, POST /_sim/reset, GET /_sim/stats.",
      "Modes: healthy, error, rate_limit, hang, slow, reset, bad_key, context_limit, stream_cut, stupid."
    })
final class SimulatorCommand implements Callable<Integer> {

  @Option(
      names = "--port",
      paramLabel = "N",
      split = ",",
      defaultValue = "9100",
      description =
          "Port(s) to serve, one simulator each: --port 9101,9102 (default: ${DEFAULT-VALUE}).")
  List<Integer> ports;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Bind address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description = "Refuse requests that present any other key.")
  String apiKey;

  @Option(
      names = "--fault",
      paramLabel = "JSON",
      description = "Initial fault, as the control API takes it.")
  String fault;

  @Option(
      names = "--chunk-delay-ms",
      defaultValue = "0",
      description = "Pause between streamed chunks.")
  long chunkDelay;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed for fractional faults and garbage.")
  long seed;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    Fault initial = fault == null ? Fault.HEALTHY : Fault.fromJson(new JsonObject(fault));
    for (int port : ports) {
      Simulator sim =
          Simulator.start(vertx, new SimulatorOptions(host, port, apiKey, seed, chunkDelay))
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      sim.fault(initial);
      System.out.println(
          "simulator listening on "
              + sim.baseUrl()
              + "  (OpenAI /v1/chat/completions, Anthropic /v1/messages, Gemini /v1beta/models/M:generateContent)");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  vertx
                      .close()
                      .toCompletionStage()
                      .toCompletableFuture()
                      .orTimeout(5, TimeUnit.SECONDS)
                      .whenComplete((v, e) -> stopped.countDown());
                }));
    stopped.await();
    return 0;
  }
}
