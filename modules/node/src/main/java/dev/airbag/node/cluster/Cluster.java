package dev.airbag.node.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import dev.airbag.node.telemetry.NodeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Joins a Hazelcast cluster and returns a clustered Vert.x whose event bus spans it. */
public final class Cluster {

  /** The bundled loopback config: TCP-IP on 127.0.0.1:5701-5710. */
  public static final String DEFAULT_CONFIG = "cluster-config/loopback.xml";

  private Cluster() {}

  /** Reads a Hazelcast XML config from a file, or the bundled default when {@code file} is null. */
  public static Config config(Path file) throws IOException {
    if (file != null) {
      try (InputStream in = Files.newInputStream(file)) {
        return new XmlConfigBuilder(in).build();
      }
    }
    try (InputStream in = Cluster.class.getClassLoader().getResourceAsStream(DEFAULT_CONFIG)) {
      if (in == null) {
        throw new IOException(DEFAULT_CONFIG + " is missing from the jar");
      }
      return new XmlConfigBuilder(in).build();
    }
  }

  /**
   * Joins the cluster.
   *
   * @param busHost the address other members reach this node's event bus at (127.0.0.1 on one
   *     machine)
   */
  public static Future<Vertx> join(Config hazelcast, String busHost) {
    return join(hazelcast, busHost, null);
  }

  /**
   * As {@link #join(Config, String)}, with Vert.x reporting its metrics to {@code registry} (when
   * not null).
   */
  public static Future<Vertx> join(
      Config hazelcast, String busHost, PrometheusMeterRegistry registry) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    VertxOptions options =
        new VertxOptions()
            .setEventBusOptions(
                new EventBusOptions().setHost(busHost).setPort(0).setClusterPublicHost(busHost));
    return NodeMetrics.builder(options, registry).withClusterManager(manager).buildClustered();
  }

  /**
   * This member's id in the cluster, or a fresh one for a standalone Vert.x. Vert.x 5 exposes the
   * cluster manager only through its internal API; this class is the one place Airbag touches it.
   */
  /**
   * Tells {@code onChange} ("member_joined" or "member_left", member id) of every other member's
   * arrival and loss.
   */
  public static void onMembership(
      Vertx vertx, java.util.function.BiConsumer<String, String> onChange) {
    hazelcast(vertx)
        .ifPresent(
            hz ->
                hz.getCluster()
                    .addMembershipListener(
                        new com.hazelcast.cluster.MembershipListener() {
                          @Override
                          public void memberAdded(com.hazelcast.cluster.MembershipEvent e) {
                            onChange.accept("member_joined", vertxNodeId(e.getMember()));
                          }

                          @Override
                          public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
                            onChange.accept("member_left", vertxNodeId(e.getMember()));
                          }
                        }));
  }

  /** This member's Hazelcast instance, when clustered on Hazelcast. */
  public static java.util.Optional<com.hazelcast.core.HazelcastInstance> hazelcast(Vertx vertx) {
    if (vertx instanceof io.vertx.core.internal.VertxInternal internal
        && internal.clusterManager()
            instanceof io.vertx.spi.cluster.hazelcast.HazelcastClusterManager hazelcast) {
      return java.util.Optional.of(hazelcast.getHazelcastInstance());
    }
    return java.util.Optional.empty();
  }

  /** How many members the cluster has now, as this node sees it; 1 for a standalone node. */
  public static int members(Vertx vertx) {
    return hazelcast(vertx).map(hz -> hz.getCluster().getMembers().size()).orElse(1);
  }

  /**
   * Every member's node id as this node sees them, itself included; just this node when standalone.
   */
  public static java.util.List<String> memberIds(Vertx vertx, String self) {
    return hazelcast(vertx)
        .map(
            hz -> hz.getCluster().getMembers().stream().map(Cluster::vertxNodeId).sorted().toList())
        .orElse(java.util.List.of(self));
  }

  /**
   * The Vert.x node id vertx-hazelcast puts on each member, so member events name nodes as breakers
   * do.
   */
  private static String vertxNodeId(com.hazelcast.cluster.Member member) {
    String id = member.getAttribute("__vertx.nodeId");
    return id != null ? id : member.getUuid().toString();
  }

  public static String nodeId(Vertx vertx) {
    if (vertx instanceof io.vertx.core.internal.VertxInternal internal
        && internal.clusterManager() != null) {
      return internal.clusterManager().getNodeId();
    }
    return "standalone-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }
}
