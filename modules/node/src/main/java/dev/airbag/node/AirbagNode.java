package dev.airbag.node;

import dev.airbag.core.breaker.Permit;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.routing.TierPlan;
import dev.airbag.node.api.ServerVerticle;
import dev.airbag.node.breaker.BreakerBoard;
import dev.airbag.node.breaker.BreakerVerticle;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.bus.AnswerFlagged;
import dev.airbag.node.bus.BreakerCommand;
import dev.airbag.node.bus.CallRecord;
import dev.airbag.node.bus.JudgeSamples;
import dev.airbag.node.bus.JudgeScores;
import dev.airbag.node.bus.LocalCodec;
import dev.airbag.node.bus.SuccessBatch;
import dev.airbag.node.cluster.Cluster;
import dev.airbag.node.cluster.EventLog;
import dev.airbag.node.dashboard.HistoryWriter;
import dev.airbag.node.drill.DrillPlan;
import dev.airbag.node.drill.DrillVerticle;
import dev.airbag.node.drill.DrillsInForce;
import dev.airbag.node.judge.JudgeVerticle;
import dev.airbag.node.lane.LaneSource;
import dev.airbag.node.telemetry.MinuteCounters;
import dev.airbag.node.telemetry.NodeMetrics;
import dev.airbag.node.telemetry.NodeTracing;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A running gateway node on a Vert.x instance, clustered or not: one provider verticle per
 * deployment, the judge, the API verticles, then the drill runner. Start it with {@link #start};
 * the returned node tells its HTTP port. It lives as long as its Vert.x: closing that stops it
 * (and, when clustered, leaves the cluster).
 */
public final class AirbagNode {

  private final int httpPort;
  private final String nodeId;

  private AirbagNode(int httpPort, String nodeId) {
    this.httpPort = httpPort;
    this.nodeId = nodeId;
  }

  /** This node's id: its cluster member id, or a random one when standalone. */
  public String nodeId() {
    return nodeId;
  }

  public static Future<AirbagNode> start(Vertx vertx, GatewayConfig config, NodeOptions options) {
    registerCodecs(vertx.eventBus());
    TierPlan plan = new TierPlan(config);
    String node = Cluster.nodeId(vertx);
    BreakerBoard board = new BreakerBoard(config.deployments());
    DrillsInForce drills = new DrillsInForce();
    EventLog events = new EventLog(vertx, options.clock());
    events.record(
        "member_joined-" + node, new JsonObject().put("type", "member_joined").put("node", node));
    Cluster.onMembership(
        vertx,
        (type, member) ->
            events.record(
                type + "-" + member, new JsonObject().put("type", type).put("node", member)));
    NodeMetrics metrics =
        new NodeMetrics(options.registry().orElseGet(NodeMetrics::newRegistry), node);
    metrics.clusterMembers(() -> Cluster.members(vertx));
    Cluster.hazelcast(vertx).ifPresent(hz -> metrics.clusterMaps(hz, Addresses.MAPS));
    MinuteCounters minutes = new MinuteCounters(config);
    NodeTracing tracing =
        new NodeTracing(
            options.openTelemetry().orElseGet(() -> NodeTracing.open(config.airbag().tracing())));
    LaneSource lanes =
        new LaneSource(
            config, options.clock(), options.random(), board, drills, metrics, minutes, tracing);
    List<Future<String>> providers = new ArrayList<>();
    for (Deployment d : config.deployments()) {
      providers.add(
          vertx.deployVerticle(
              new BreakerVerticle(
                  d,
                  config.router(),
                  options.clock(),
                  options.random(),
                  node,
                  board,
                  drills,
                  metrics,
                  minutes,
                  events)));
    }
    providers.add(vertx.deployVerticle(new HistoryWriter(minutes, board, options.clock(), node)));
    providers.add(vertx.deployVerticle(new JudgeVerticle(config, options.clock(), lanes)));
    int configured = options.httpPort().orElse(config.airbag().httpPort());
    return Future.all(providers)
        .compose(v -> vertx.<Integer>executeBlocking(() -> resolvePort(options.host(), configured)))
        .compose(
            port ->
                vertx
                    .deployVerticle(
                        () ->
                            new ServerVerticle(
                                config, plan, lanes, options.host(), port, node, events),
                        new DeploymentOptions().setInstances(options.apiInstances()))
                    .compose(
                        id ->
                            vertx.deployVerticle(
                                new DrillVerticle(
                                    config,
                                    plan,
                                    options.clock(),
                                    node,
                                    deployment -> board.view(deployment).describe(),
                                    drills,
                                    events,
                                    options.host(),
                                    port)))
                    .map(id -> new AirbagNode(port, node)));
  }

  /**
   * Port 0 means "any free port". API instances share one port only when they all name it, so a
   * free port is chosen here first (the moment between closing the probe and binding is a test-only
   * race).
   */
  private static int resolvePort(String host, int port) throws IOException {
    if (port != 0) {
      return port;
    }
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return probe.getLocalPort();
    }
  }

  private static void registerCodecs(EventBus bus) {
    try {
      bus.registerDefaultCodec(Permit.class, new LocalCodec<>(Permit.class));
      bus.registerDefaultCodec(CallRecord.class, new LocalCodec<>(CallRecord.class));
      bus.registerDefaultCodec(SuccessBatch.class, new LocalCodec<>(SuccessBatch.class));
      bus.registerDefaultCodec(AnswerFlagged.class, new LocalCodec<>(AnswerFlagged.class));
      bus.registerDefaultCodec(BreakerCommand.class, new LocalCodec<>(BreakerCommand.class));
      bus.registerDefaultCodec(JudgeSamples.class, new LocalCodec<>(JudgeSamples.class));
      bus.registerDefaultCodec(JudgeScores.class, new LocalCodec<>(JudgeScores.class));
      bus.registerDefaultCodec(DrillPlan.class, new LocalCodec<>(DrillPlan.class));
    } catch (IllegalStateException alreadyRegistered) {
      // a second node on the same Vert.x instance (tests): the codecs are already there
    }
  }

  public int httpPort() {
    return httpPort;
  }
}
