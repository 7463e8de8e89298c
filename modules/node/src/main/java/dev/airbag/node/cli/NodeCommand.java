package dev.airbag.node.cli;

import dev.airbag.core.config.ConfigException;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.LiteLlmConfigLoader;
import dev.airbag.node.AirbagNode;
import dev.airbag.node.NodeOptions;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code airbag node}: runs a gateway node until it is stopped. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run a gateway node: OpenAI-compatible HTTP API and the airbag.chat event-bus address.")
final class NodeCommand implements Callable<Integer> {

  private static final Logger LOG = Logger.getLogger(NodeCommand.class.getName());

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "LiteLLM-format config (model_list, router_settings, airbag).")
  Path config;

  @Option(names = "--http-port", paramLabel = "N", description = "Overrides airbag.http_port (default 8080).")
  Integer httpPort;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "0.0.0.0",
      description = "Address the HTTP API binds to (default: ${DEFAULT-VALUE}).")
  String host;

  @Override
  public Integer call() throws Exception {
    GatewayConfig gateway;
    try {
      gateway = new LiteLlmConfigLoader(System::getenv).load(config);
    } catch (ConfigException e) {
      System.err.println("airbag: bad config: " + e.getMessage());
      return 2;
    }
    gateway.warnings().forEach(LOG::warning);
    Vertx vertx = Vertx.vertx();
    NodeOptions options = NodeOptions.defaults().withHost(host);
    if (httpPort != null) {
      options = options.withHttpPort(httpPort);
    }
    AirbagNode node;
    try {
      node = AirbagNode.start(vertx, gateway, options).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      System.err.println("airbag: the node could not start: " + e.getCause().getMessage());
      vertx.close();
      return 1;
    }
    LOG.info(() -> "Airbag node ready on http://" + host + ":" + node.httpPort() + " serving "
        + String.join(", ", gateway.modelGroups().keySet()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
          .whenComplete((v, e) -> stopped.countDown());
      try {
        stopped.await(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "airbag-shutdown"));
    stopped.await();
    return 0;
  }
}
