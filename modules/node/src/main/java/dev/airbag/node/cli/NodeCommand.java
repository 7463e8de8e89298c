package dev.airbag.node.cli;

import dev.airbag.core.config.ConfigException;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.LiteLlmConfigLoader;
import dev.airbag.node.AirbagNode;
import dev.airbag.node.NodeOptions;
import dev.airbag.node.cluster.Cluster;
import dev.airbag.node.telemetry.NodeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code airbag node}: runs a gateway node until it is stopped. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description =
        "Run a gateway node: OpenAI-compatible HTTP API and the airbag.chat event-bus address.")
final class NodeCommand implements Callable<Integer> {

  private static final Logger LOG = Logger.getLogger(NodeCommand.class.getName());

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "LiteLLM-format config (model_list, router_settings, airbag).")
  Path config;

  @Option(
      names = "--http-port",
      paramLabel = "N",
      description = "Overrides airbag.http_port (default 8080).")
  Integer httpPort;

  @Option(
      names = "--host",
      paramLabel = "ADDR",
      defaultValue = "0.0.0.0",
      description = "Address the HTTP API binds to (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--cluster",
      paramLabel = "FILE",
      description =
          "Hazelcast XML config to join (default: the bundled cluster-config/loopback.xml, "
              + "TCP-IP on 127.0.0.1:5701-5710).")
  Path cluster;

  @Option(
      names = "--bus-host",
      paramLabel = "ADDR",
      defaultValue = "127.0.0.1",
      description =
          "Address other members reach this node's event bus at; a LAN or pod address off one machine "
              + "(default: ${DEFAULT-VALUE}).")
  String busHost;

  @Option(
      names = "--standalone",
      description = "Run without a cluster: breakers are this node's alone.")
  boolean standalone;

  @Option(
      names = "--vertx-metrics",
      description =
          "Also export Vert.x's own metrics (HTTP server and client, event bus, "
              + "pools) at /metrics. Off by default: on the healthy path they cost about as much CPU as the gateway's own work.")
  boolean vertxMetrics;

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
    PrometheusMeterRegistry registry = NodeMetrics.newRegistry();
    Vertx vertx;
    if (standalone) {
      vertx = NodeMetrics.builder(new VertxOptions(), vertxMetrics ? registry : null).build();
    } else {
      try {
        vertx =
            Cluster.join(Cluster.config(cluster), busHost, vertxMetrics ? registry : null)
                .toCompletionStage()
                .toCompletableFuture()
                .get(120, TimeUnit.SECONDS);
      } catch (java.io.IOException | com.hazelcast.config.InvalidConfigurationException e) {
        System.err.println(
            "airbag: bad cluster config "
                + (cluster == null ? Cluster.DEFAULT_CONFIG : cluster)
                + ": "
                + e.getMessage());
        return 2;
      } catch (ExecutionException e) {
        System.err.println("airbag: could not join the cluster: " + e.getCause().getMessage());
        return 1;
      }
    }
    NodeOptions options = NodeOptions.defaults().withHost(host).withRegistry(registry);
    if (httpPort != null) {
      options = options.withHttpPort(httpPort);
    }
    AirbagNode node;
    try {
      node =
          AirbagNode.start(vertx, gateway, options)
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      System.err.println("airbag: the node could not start: " + e.getCause().getMessage());
      vertx.close();
      return 1;
    }
    LOG.info(
        () ->
            "Airbag node "
                + node.nodeId()
                + " ready on http://"
                + host
                + ":"
                + node.httpPort()
                + (standalone
                    ? " (standalone)"
                    : " in cluster " + (cluster == null ? Cluster.DEFAULT_CONFIG : cluster))
                + ", serving "
                + String.join(", ", gateway.modelGroups().keySet())
                + (vertx.isNativeTransportEnabled() ? " (epoll transport)" : " (NIO transport)"));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  vertx
                      .close()
                      .toCompletionStage()
                      .toCompletableFuture()
                      .orTimeout(10, TimeUnit.SECONDS)
                      .whenComplete((v, e) -> stopped.countDown());
                  try {
                    stopped.await(15, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "airbag-shutdown"));
    stopped.await();
    return 0;
  }
}
